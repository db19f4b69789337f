/**
 * The satisfaction (CSAT) request sent when a chat is resolved, in the assistant's language, or in the
 * customer's when the assistant answers in theirs (`auto`), as handover.ts does for its notice.
 */

type Lang = 'en' | 'fr' | 'de' | 'es' | 'pt';

const REQUEST: Record<Lang, string> = {
  en: 'How would you rate the help you received, from 1 (poor) to 5 (excellent)?',
  fr: "Comment évalueriez-vous l'aide que vous avez reçue, de 1 (mauvaise) à 5 (excellente) ?",
  de: 'Wie bewerten Sie die Hilfe, die Sie erhalten haben, von 1 (schlecht) bis 5 (ausgezeichnet)?',
  es: '¿Cómo valorarías la ayuda que recibiste, del 1 (mala) al 5 (excelente)?',
  pt: 'Como você avalia a ajuda que recebeu, de 1 (ruim) a 5 (excelente)?',
};

const set = (s: string) => new Set(s.split(' '));
// Frequent short words, with their accents: enough to tell five languages apart in a sentence or two.
const MARKERS: Record<Lang, Set<string>> = {
  en: set('the and you is are my to it for not with have this what how thanks please hello i can do'),
  fr: set('le la les et est je vous mon ma pas pour avec une des merci bonjour ne que qui où ça suis'),
  de: set('der die das und ist ich sie nicht mit ein eine mein für danke hallo bitte wie was kann habe'),
  es: set('el la los las y es yo mi no para con una gracias hola por qué está tengo puedo cómo'),
  pt: set('o a os as e é eu meu minha não para com uma obrigado obrigada olá por você está tenho posso'),
};

/** The language a text is most likely in among the five, or undefined when nothing tells. */
export function guessLanguage(text: string): Lang | undefined {
  const ws = text.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean);
  let best: Lang | undefined;
  let bestScore = 0;
  for (const lang of Object.keys(MARKERS) as Lang[]) {
    const score = ws.filter((w) => MARKERS[lang].has(w)).length;
    if (score > bestScore) [best, bestScore] = [lang, score];
  }
  return best;
}

/** The request in the assistant's language (`fr`, `pt-BR`...), else in the customer's last message's, else English. */
export function csatRequestText(assistantLanguage: string, customerText: string | undefined): string {
  const configured = assistantLanguage.slice(0, 2).toLowerCase() as Lang;
  if (assistantLanguage !== 'auto' && REQUEST[configured]) return REQUEST[configured];
  return REQUEST[(customerText && guessLanguage(customerText)) || 'en'];
}

/** "1 day", "6 hours", "45 minutes": how a delay in minutes reads in an event line. */
export function describeMinutes(minutes: number): string {
  const [n, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
