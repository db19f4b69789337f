import type { LanguageModelV2Prompt } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { answer } from './answer.ts';

// The system prompt exactly as features/runtime/prompt.ts assembles it.
function prompt(opts: { instructions?: string; language?: string; passages?: Array<{ title: string; text: string }>; turns: string[] }): LanguageModelV2Prompt {
  const parts: string[] = [];
  if (opts.instructions) parts.push(`<instructions>\n${opts.instructions}\n</instructions>`);
  const language = opts.language ?? 'auto (answer in the language the customer writes in)';
  parts.push(`<context>\nLanguage: ${language}. Time zone: Europe/Paris. Current date: 2026-11-23 (Monday), 10:00.\n</context>`);
  if (opts.passages?.length) {
    const body = opts.passages.map((p, i) => `<passage id="${i + 1}" title="${p.title}" url="https://example.com/${i + 1}">\n${p.text}\n</passage>`);
    parts.push(`<knowledge>\n${body.join('\n')}\n</knowledge>`);
    parts.push('<rules>\nAnswer only from the passages in <knowledge> and the instructions.\n</rules>');
  }
  return [
    { role: 'system', content: parts.join('\n') },
    ...opts.turns.map((text, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: [{ type: 'text', text }] }) as LanguageModelV2Prompt[number]),
  ];
}

const INSTRUCTIONS =
  'You are the assistant of Acme Dental. Always answer politely. Never discuss competitors. Our clinic is open Monday to Friday from 9am to 6pm.';
const PASSAGES = [
  {
    title: 'Refund policy',
    text: 'You can return any item within 30 days of delivery for a full refund. Items must be unused and in their original packaging. Refunds are issued to the original payment method within 5 business days.',
  },
  { title: 'Shipping', text: 'Shipping to France takes 2 business days. Shipping to Italy takes 4 business days.' },
  { title: 'Stores', text: 'Our Italy store is located in Milan. Our France store is located in Lyon.' },
  { title: 'Account', text: 'To reset your password, click "Forgot password" on the login page. The reset link is valid for 24 hours.' },
];
const ask = (...turns: string[]) => answer(prompt({ instructions: INSTRUCTIONS, passages: PASSAGES, turns }));

describe('answer: small talk', () => {
  it('greets back and offers help, in the language of the greeting when the assistant is on auto', () => {
    expect(ask('hi')).toMatchObject({ kind: 'greeting', text: 'Hello! How can I help you today?', usedPassageIds: [] });
    expect(ask('Good morning!').text).toBe('Good morning! How can I help you today?');
    expect(ask('bonjour').text).toBe('Bonjour ! Comment puis-je vous aider ?');
    expect(ask('¡Hola!').text).toMatch(/^¡Hola!/);
    expect(ask('Olá, tudo bem?').text).toMatch(/^Olá!/);
  });

  it('closes politely on thanks and goodbyes', () => {
    expect(ask('Thanks a lot!')).toMatchObject({ kind: 'thanks', text: expect.stringMatching(/^You're welcome/) });
    expect(ask('ok thank you, bye').kind).toBe('thanks');
    expect(ask('merci beaucoup').text).toMatch(/^Je vous en prie/);
  });

  it('uses the configured language for its own phrases', () => {
    const a = answer(prompt({ language: 'pt-BR', turns: ['hello'] }));
    expect(a).toMatchObject({ kind: 'greeting', language: 'pt', text: 'Olá! Como posso ajudar?' });
  });

  it('treats a greeting followed by a question as a question', () => {
    expect(ask('Hi, how long do I have to return an item?').kind).toBe('answer');
  });
});

describe('answer: questions', () => {
  it('answers from the passage that holds the fact, in its original wording, and names that passage', () => {
    const a = ask('How long do I have to return an item?');
    expect(a.kind).toBe('answer');
    expect(a.text).toContain('You can return any item within 30 days of delivery for a full refund.');
    expect(a.text).not.toMatch(/password|Shipping/);
    expect(a.usedPassageIds).toEqual(['1']);
  });

  it('answers from facts in the instructions but never quotes the instructions to the assistant', () => {
    const a = ask('When is the clinic open?');
    expect(a.text).toBe('Our clinic is open Monday to Friday from 9am to 6pm.');
    expect(a.usedPassageIds).toEqual([]);
    // "Never discuss competitors." matches every word of this question, yet is a rule, not a fact.
    expect(ask('Do you discuss competitors?')).toMatchObject({ kind: 'no_information' });
    expect(ask('Who is the assistant of Acme Dental?').text).not.toMatch(/You are/);
  });

  it('says honestly that it does not know, and offers a person, when nothing relevant is in the prompt', () => {
    for (const q of ['What is the capital of France?', 'Do you sell bicycles?', 'Who won the world cup?']) {
      const a = ask(q);
      expect(a, q).toMatchObject({ kind: 'no_information', usedPassageIds: [] });
      expect(a.text, q).toMatch(/don't have that information.*member of our team/);
    }
  });

  it('answers "no information" in the customer language', () => {
    expect(ask('Quelle est la capitale de la France ?').text).toMatch(/^Je suis désolé, je n'ai pas cette information/);
  });

  it('reads a short follow-up together with the previous question', () => {
    const a = ask('How long does shipping to France take?', 'Shipping to France takes 2 business days.', 'What about Italy?');
    expect(a.text).toBe('Shipping to Italy takes 4 business days.');
    expect(a.usedPassageIds).toEqual(['2']);
    // Without the previous question, "Italy" alone also matches the store.
    expect(ask('What about Italy?').text).toContain('Milan');
  });

  it('quotes the best sentences once each, in reading order, citing only the passage quoted', () => {
    const copy = { title: 'Refunds again', text: PASSAGES[0]!.text };
    const a = answer(prompt({ passages: [PASSAGES[0]!, copy], turns: ['When are refunds issued and can I return items?'] }));
    // "Refunds are issued..." matches best, yet the passage's earlier sentence comes first, as written.
    expect(a.text).toBe(
      'You can return any item within 30 days of delivery for a full refund. Refunds are issued to the original payment method within 5 business days.',
    );
    expect(a.usedPassageIds).toEqual(['1']);
  });

  it('never quotes more than three sentences', () => {
    const many = { title: 'Refunds', text: Array.from({ length: 8 }, (_, i) => `Refund rule ${i + 1} applies to refund requests.`).join(' ') };
    const a = answer(prompt({ passages: [many], turns: ['refund requests?'] }));
    expect(a.kind).toBe('answer');
    expect(a.text.match(/Refund rule/g)).toHaveLength(3);
  });

  it('quotes list items under a heading with the heading, so they read on their own', () => {
    const hours = { title: 'Contact', text: 'Opening hours\n- Monday to Friday: 9am to 6pm\n- Saturday: 10am to 1pm\n\nCall us on +33 1 23 45 67 89.' };
    const a = answer(prompt({ passages: [hours], turns: ['What are your opening hours?'] }));
    expect(a.text).toBe('Opening hours: Monday to Friday: 9am to 6pm; Saturday: 10am to 1pm.');
  });

  it('asks for more detail when the message has no content words', () => {
    expect(ask('What is it?').kind).toBe('clarify');
  });

  it('is deterministic', () => {
    const p = prompt({ instructions: INSTRUCTIONS, passages: PASSAGES, turns: ['Can I get my money back?'] });
    expect(answer(p)).toEqual(answer(structuredClone(p)));
    expect(answer(p).kind).toBe('answer');
  });
});

describe('answer: what a customer gets from a small shop knowledge base', () => {
  const SHOP = [
    { title: 'Contact us', text: 'The quickest way to reach us is by phone on 0117 496 0321.\n\nYou can also email us at hello@shop.example.' },
    { title: 'Warranty', text: 'To make a warranty claim, email warranty@shop.example with your order number.' },
    { title: 'Workshop price list', text: '| Job | Price |\n| --- | --- |\n| Tune-up | £65 |\n| Full service | £140 |' },
    { title: 'Repairs', text: 'Bring your bike to our workshop and a mechanic will quote the repair.\n\n## Tune-up\n\nA tune-up takes 2 working days.' },
    { title: 'Returns', text: 'You can return anything you bought from us within 30 days of purchase for a full refund.' },
    { title: 'Bike hire', text: 'Hire bikes must be brought back by 5pm.\n\n- City bike: £25 per day\n- E-bike: £45 per day' },
  ];
  const shop = (...turns: string[]) => answer(prompt({ passages: SHOP, turns }));

  it('answers with the sentence that states the kind of fact asked for', () => {
    expect(shop("What's the phone number?").text).toMatch(/^The quickest way to reach us is by phone on 0117 496 0321\./);
    expect(shop('How much is a tune-up?').text).toMatch(/£65/);
    expect(shop('How much does it cost to hire an e-bike?').text).toMatch(/^(?:City bike: £25 per day; )?E-bike: £45 per day/);
  });

  it('never quotes a sentence about the page itself', () => {
    const page = { title: 'Returns', text: 'This page covers what can be returned and how to start a return.\n\nTo start a return, open your order and choose Return.' };
    expect(answer(prompt({ passages: [page], turns: ['How do I start a return?'] })).text).toBe('To start a return, open your order and choose Return.');
  });

  it('reads a Markdown table row by row, and declines a question about something the knowledge never names', () => {
    expect(shop('How much is a full service?').text).toBe('Full service: £140.');
    expect(shop('Do you have a shop in London?').kind).toBe('no_information');
    expect(shop("Hi, I'm Tom. What's the phone number?").text).toMatch(/0117 496 0321/);
  });

  it('keeps a follow-up on the subject of the previous question', () => {
    const a = shop('How much is a tune-up?', 'Tune-up: £65.', 'And how long does it take?');
    expect(a.text).toBe('A tune-up takes 2 working days.');
  });

  it('understands a reworded problem and quotes no passage about something else', () => {
    expect(shop('my bike is broken').text).toMatch(/^Bring your bike to our workshop/);
    const returns = shop('Can I return a bike I bought last month?').text;
    expect(returns).toMatch(/^You can return anything you bought from us within 30 days/);
    expect(returns).not.toMatch(/5pm|£25/);
  });

  it('answers French, Spanish and German questions from English knowledge, saying so in their language', () => {
    expect(shop('Quel est votre numéro de téléphone ?')).toMatchObject({ language: 'fr', text: expect.stringMatching(/^Voici ce que dit notre documentation, en anglais : .*0117 496 0321/) });
    expect(shop('¿Cuánto cuesta una revisión completa?').text).toMatch(/^Esto es lo que dice nuestra documentación, en inglés: .*£140/);
    expect(shop('Wie ist Ihre Telefonnummer?').text).toMatch(/^Das steht in unserer Dokumentation, auf Englisch: .*0117 496 0321/);
    expect(shop('Hallo')).toMatchObject({ kind: 'greeting', text: 'Hallo! Wie kann ich Ihnen helfen?' });
    expect(shop('Verkaufen Sie Skateboards?')).toMatchObject({ kind: 'no_information', language: 'de' });
  });
});
