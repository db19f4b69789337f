/**
 * Recognises a customer asking for a person, in English, French, German, Spanish and Portuguese, the
 * way the built-in model does it: by phrase, not by guess. A wrong "yes" costs a human a look at a chat; a
 * wrong "no" leaves a customer stuck with a bot, so phrases are broad but each names a human.
 */

const HUMAN = {
  en: String.raw`(?:a |an |the |some |real |live )*(?:human|person|people|agent|operator|representative|rep|someone|somebody|staff|employee|advisor|adviser|manager|supervisor)`,
  fr: String.raw`(?:un |une |le |la |vrai |vraie |véritable )*(?:humain|humaine|personne|agent|conseiller|conseillère|opérateur|opératrice|quelqu'un|quelqu’un)`,
  de: String.raw`(?:einem |einer |einen |echten |richtigen )*(?:menschen|mensch|mitarbeiter|mitarbeiterin|berater|beraterin|person|jemandem|kundenberater)`,
  es: String.raw`(?:un |una |el |la |alguna |persona )*(?:humano|humana|persona|agente|asesor|asesora|operador|operadora|alguien|representante)`,
  pt: String.raw`(?:um |uma |o |a |alguma )*(?:humano|humana|pessoa|atendente|agente|operador|operadora|alguém|representante|consultor)`,
};

// Word boundaries that know accented letters (\b does not: it never matches before "à" or "échanger").
const B = String.raw`(?<![\p{L}\p{N}])`;
const E = String.raw`(?![\p{L}\p{N}])`;
const re = (source: string) => new RegExp(source, 'iu');

/** Phrases that ask for a person, per language (the language also picks the notice's wording). */
const PATTERNS_BY_LANGUAGE = {
  en: [
    re(`${B}(?:talk|speak|chat|connect|transfer|put)${E}.{0,20}${B}(?:to|with|through to)\\s+${HUMAN.en}${E}`),
    re(`${B}(?:human|live|real)\\s+(?:agent|person|support|operator|being)${E}`),
    re(`${B}(?:i\\s+(?:want|need|would like)|can i (?:get|have)|give me)\\s+(?:a |an |to )?(?:human|person|agent|representative|operator)${E}`),
  ],
  fr: [
    re(`${B}(?:parler|discuter|échanger|passer)${E}.{0,20}${B}(?:à|a|avec)\\s+${HUMAN.fr}`),
    re(`${B}(?:un\\s+humain|une\\s+vraie\\s+personne|un\\s+conseiller|une\\s+conseillère|un\\s+agent\\s+humain)${E}`),
  ],
  de: [
    re(`${B}(?:sprechen|reden|verbinden|chatten)${E}.{0,30}${B}mit\\s+${HUMAN.de}|${B}mit\\s+${HUMAN.de}.{0,30}${B}(?:sprechen|reden|verbunden|verbinden|chatten)${E}`),
    re(`${B}(?:echten|richtigen)\\s+menschen${E}|${B}menschlichen\\s+(?:mitarbeiter|ansprechpartner|support)`),
  ],
  es: [
    re(`${B}(?:hablar|conversar|comunicarme|pasarme|contactar)${E}.{0,20}${B}(?:con|a)\\s+${HUMAN.es}`),
    re(`${B}(?:persona\\s+real|agente\\s+humano|un\\s+humano|atención\\s+humana)${E}`),
  ],
  pt: [
    re(`${B}(?:falar|conversar|passar|transferir)${E}.{0,20}${B}(?:com|para)\\s+${HUMAN.pt}`),
    re(`${B}(?:pessoa\\s+real|atendente\\s+humano|atendimento\\s+humano|um\\s+humano)${E}`),
  ],
};
const PATTERNS: RegExp[] = Object.values(PATTERNS_BY_LANGUAGE).flat();

/** True when the message asks for a person rather than an answer. */
export function asksForHuman(message: string): boolean {
  const text = message.slice(0, 2_000);
  return PATTERNS.some((p) => p.test(text));
}

const NOTICE: Record<string, string> = {
  en: "I'm connecting you with a member of our team. They'll reply here as soon as they can.",
  fr: "Je vous mets en relation avec un membre de notre équipe. Il vous répondra ici dès que possible.",
  de: 'Ich verbinde Sie mit einem Mitglied unseres Teams. Sie erhalten hier so schnell wie möglich eine Antwort.',
  es: 'Te pongo en contacto con un miembro de nuestro equipo. Te responderá aquí lo antes posible.',
  pt: 'Vou colocar você em contato com um membro da nossa equipe. Ele responderá aqui assim que possível.',
};

/** What the customer is told when the chat goes to a person, in the language they wrote in when known. */
export function handoverNotice(message: string, assistantLanguage: string): string {
  const lang = assistantLanguage !== 'auto' && NOTICE[assistantLanguage.slice(0, 2)] ? assistantLanguage.slice(0, 2) : guessLanguage(message);
  return NOTICE[lang] ?? NOTICE.en!;
}

function guessLanguage(message: string): string {
  for (const lang of ['fr', 'de', 'es', 'pt'] as const) {
    if (PATTERNS_BY_LANGUAGE[lang].some((p) => p.test(message))) return lang;
  }
  return 'en';
}
