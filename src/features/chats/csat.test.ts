import { describe, expect, it } from 'vitest';
import { csatRequestText, describeMinutes, guessLanguage } from './csat.ts';

describe('the CSAT request', () => {
  it("is in the assistant's language, else the customer's, else English", () => {
    expect(csatRequestText('fr', 'Hello there')).toMatch(/^Comment évalueriez-vous/);
    expect(csatRequestText('pt-BR', undefined)).toMatch(/^Como você avalia/);
    expect(csatRequestText('auto', 'Hola, tengo una pregunta sobre mi pedido')).toMatch(/^¿Cómo valorarías/);
    expect(csatRequestText('auto', 'Hallo, ich habe eine Frage zu meiner Bestellung')).toMatch(/^Wie bewerten Sie/);
    expect(csatRequestText('auto', 'Olá, não recebi o meu pedido')).toMatch(/^Como você avalia/);
    expect(csatRequestText('ja', '12345')).toMatch(/^How would you rate/);
    expect(guessLanguage('1042')).toBeUndefined();
  });

  it('describes an auto-resolve delay in the largest whole unit', () => {
    expect(describeMinutes(1440)).toBe('1 day');
    expect(describeMinutes(2880)).toBe('2 days');
    expect(describeMinutes(60)).toBe('1 hour');
    expect(describeMinutes(90)).toBe('90 minutes');
    expect(describeMinutes(5)).toBe('5 minutes');
  });
});
