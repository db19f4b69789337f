import { describe, expect, it } from 'vitest';
import { asksForHuman, handoverNotice } from './handover.ts';

describe('asksForHuman', () => {
  const asks = [
    'Can I talk to a human please?',
    'I want to speak with a real person',
    'connect me to an agent',
    'I need a human',
    'live agent',
    'Could you put me through to someone from support?',
    'Je voudrais parler à un humain',
    'Est-ce que je peux parler avec un conseiller ?',
    'je veux échanger avec une vraie personne',
    'Ich möchte mit einem Menschen sprechen',
    'Kann ich bitte mit einem Mitarbeiter reden?',
    'Quiero hablar con una persona',
    'necesito hablar con un agente humano',
    'Quero falar com um atendente',
    'posso falar com uma pessoa real?',
  ];
  const answers = [
    'What are your opening hours on Sunday?',
    'My bike is broken, can you repair it?',
    'How do I connect to the wifi?',
    'Can I speak French with the assistant?',
    'Quels sont vos horaires ?',
    'Wie lange dauert die Reparatur?',
    '¿Cuánto cuesta el envío?',
    'Qual é o prazo de entrega?',
    'The human body has 206 bones',
  ];
  for (const text of asks) it(`hears a request for a person: ${text}`, () => expect(asksForHuman(text)).toBe(true));
  for (const text of answers) it(`hears a question for the assistant: ${text}`, () => expect(asksForHuman(text)).toBe(false));
});

describe('handoverNotice', () => {
  it('answers in the language of the request, or the assistant\'s language when it has one', () => {
    expect(handoverNotice('Je voudrais parler à un humain', 'auto')).toMatch(/équipe/);
    expect(handoverNotice('Ich möchte mit einem Menschen sprechen', 'auto')).toMatch(/Team/);
    expect(handoverNotice('Quiero hablar con una persona', 'auto')).toMatch(/equipo/);
    expect(handoverNotice('Quero falar com um atendente', 'auto')).toMatch(/equipe/);
    expect(handoverNotice('talk to a human', 'auto')).toMatch(/our team/);
    expect(handoverNotice('talk to a human', 'fr')).toMatch(/équipe/);
  });
});
