/**
 * Word lists of the built-in model. Every word is in normalized form (lowercase, accents
 * stripped, split at apostrophes), the form `words()` in text-analysis.ts produces.
 */

const set = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

/**
 * Words that carry no topic. Besides grammar words this holds conversational filler ("please",
 * "tell", "know"): a filler word missing from the knowledge would otherwise count as an unmatched
 * topic and hide a good answer.
 */
export const STOPWORDS = set(`
  a about above after again against all am an and any are aren as at be because been before being below between both
  but by can cannot could couldn did didn do does doesn doing don down during each few for from further had hadn has
  hasn have haven having he her here hers herself him himself his how i if in into is isn it its itself just let me
  more most my myself no nor not of off on once only or other ought our ours ourselves out over own same she should
  so some such than that the their theirs them themselves then there these they this those through to too under
  until up very was wasn we were weren what when where which while who whom why will with won would wouldn you your
  yours yourself yourselves s t ll re ve d m im ive id youre also get got please tell know want wanted wondering
  help hi hello hey thanks thank ok okay may might must shall us anything something thing things like really much
  many question ask say back need needs needed
  le la les l un une des du de d et ou mais est sont suis es etes sommes ai as avez avons ont je j tu il elle nous
  vous ils elles on ce cet cette ces ca c qu que qui quoi quel quelle quels quelles quand comment pour par avec sans
  sur dans en au aux mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ne n pas plus se y te lui
  bonjour merci svp stp peux peut pouvez faire fait savoir voudrais combien
  el los las unos unas del al y o pero son soy eres somos esta estan estoy hay quien cual cuales cuando como donde
  por para con sin sobre mi mis tus su sus nuestro nuestra nuestros lo le les nos si muy mas hola gracias puedo
  puede pueden quiero saber cuanto cuanta cuantos cuantas
  os um uma uns umas do da dos das no na nas em e sao sou estao ha quem qual quais pelo pela com sem meu minha seu
  sua nosso nossa voce voces ele ela eles elas nao sim muito ola obrigado obrigada posso pode podem quero quanto quanta quantos quantas
  vos quels acceptez avez ont tienen tiene tengo hacen cual es
  der die das den dem des ein eine einen einem einer eines und oder aber ist sind bin bist sein war haben habe hast hat ich
  du er sie es wir ihr ihre ihren ihrem ihnen mein meine dein unser unsere euer was wie wo warum welche welcher welches wer
  kann konnen konnte mochte will wollen muss mussen soll zu zum zur im am an auf aus bei mit nach von vor fur uber unter
  um nicht kein keine auch noch schon sehr mehr bitte danke hallo gibt man mich mir dich dir uns euch ja nein doch etwas
  viel viele eure
`);

/** Words a greeting may be made of; at least one of GREETING_CORE must be present. */
export const GREETING_CORE = set(`
  hi hello hey hiya howdy greetings morning afternoon evening bonjour salut bonsoir coucou hola buenos buenas dias
  tardes noches ola oi bom boa dia tarde noite hallo guten servus moin
`);
export const GREETING_WORDS = new Set([
  ...GREETING_CORE,
  ...set(`good there all everyone team folks how are you doing is it going ca va comment allez vous que tal como esta
    estas tudo bem tag morgen abend wie gehts geht es ihnen`),
]);

/** Words a thank-you or goodbye may be made of; at least one of THANKS_CORE must be present. */
export const THANKS_CORE = set(`
  thanks thank thx ty cheers bye goodbye merci gracias obrigado obrigada valeu adios tchau revoir danke dank tschuss wiedersehen
`);
export const THANKS_WORDS = new Set([
  ...THANKS_CORE,
  ...set(`you so much very a lot many great perfect ok okay awesome that thats s it helps helpful helped appreciated
    appreciate see later have nice good day all for your help the info information beaucoup bien au parfait super
    tres muchas mil hasta luego perfecto muito ate logo and vielen schon sehr auf super toll`),
]);

/**
 * Support-desk words customers and businesses use for the same thing ("cost" vs "price").
 * Kept short on purpose: each group widens what a question matches, so only near-synonyms belong.
 */
export const SYNONYM_GROUPS: string[][] = [
  'price prices cost costs fee fees charge pricing prix tarif tarifs coute precio precios cuesta preco precos custa',
  'phone telephone call tel telefono telefone ring',
  'email mail courriel correo',
  'hours opening open closed close schedule horaire horaires horario horarios',
  'refund refunds reimburse reimbursement money remboursement reembolso',
  'shipping ship shipped delivery deliver shipment livraison envio entrega',
  'return returns retour devolucion devolucao',
  'cancel cancellation annulation annuler cancelacion cancelamento',
  'appointment appointments booking book reservation reserve rendez cita consulta',
  'address location located adresse direccion endereco',
  'contact reach',
  'payment pay paiement pago pagamento',
  'repair repairs fix fixing fixed mend broken broke damaged',
  'warranty guarantee guaranteed',
  'hire rent rental renting',
  'bike bikes bicycle bicycles',
  'card visa mastercard amex',
  'abroad international overseas europe worldwide',
  'puncture punctures flat',
  'discount discounts reduction',
  'student students university college',
  'gift present voucher',
  'used secondhand preowned refurbished',
  'trade tradein exchange partexchange',
  'component components part parts',
  'arrive arrival delivery',
  'trouble problem issue',
].map((g) => g.split(' '));

/** Openers like "what about Italy?": the message leans on the previous question. */
export const FOLLOW_UP_OPENERS = [
  'and ', 'what about ', 'how about ', 'what if ', 'also ', 'same for ', 'et ', 'et pour ', 'y ', 'y para ',
  'e ', 'e para ', 'e quanto ',
];

export type ReplyLanguage = 'en' | 'fr' | 'es' | 'pt' | 'de';

/** Frequent words that tell the languages apart. */
export const LANGUAGE_MARKERS: Record<ReplyLanguage, Set<string>> = {
  en: set('hi hello hey thanks thank the you what is are your how do does good morning can when where which with my our we'),
  fr: set('bonjour salut bonsoir merci je vous est les des quels quelle quel pour avec votre vos pouvez quand ou combien acceptez avez ai le la une nous notre'),
  es: set('hola gracias buenos buenas el los las que usted como donde cuando tienen puedo para esta hay cual su cuanto cuanta del una es'),
  pt: set('ola oi obrigado obrigada bom boa voce nao tem com quando onde posso para esta muito'),
  de: set('hallo guten danke der die das ist sie ihre ich wie wann wo was kann haben mit fur und ein eine nicht vielen'),
};

export interface CannedReplies {
  /** Greeting openers keyed by the normalized phrase the customer used; '' is the default. */
  greetings: Array<[phrase: string, opener: string]>;
  offer: string;
  thanks: string;
  noInformation: string;
  /** No answer, when the assistant hands such chats to a person (`conversation.handover_when_unanswered`). */
  noInformationHandover: string;
  clarify: string;
  /** Said before sentences quoted from knowledge written in another language (English). */
  quotedInEnglish: string;
}

export const REPLIES: Record<ReplyLanguage, CannedReplies> = {
  en: {
    greetings: [['good morning', 'Good morning!'], ['good afternoon', 'Good afternoon!'], ['good evening', 'Good evening!'], ['', 'Hello!']],
    offer: 'How can I help you today?',
    thanks: "You're welcome! Let me know if there is anything else I can help you with.",
    noInformation: "I'm sorry, I don't have that information. Would you like to talk to a member of our team? Just write \"talk to a person\" and someone will reply here.",
    noInformationHandover: "I'm sorry, I don't have that information. I'm passing your question to a member of our team, who will reply here as soon as they can.",
    clarify: 'Could you tell me a little more about what you are looking for?',
    quotedInEnglish: '',
  },
  fr: {
    greetings: [['bonsoir', 'Bonsoir !'], ['', 'Bonjour !']],
    offer: 'Comment puis-je vous aider ?',
    thanks: "Je vous en prie ! N'hésitez pas si vous avez d'autres questions.",
    noInformation:
      "Je suis désolé, je n'ai pas cette information. Pour parler à un membre de notre équipe, écrivez « parler à un conseiller » et quelqu'un vous répondra ici.",
    noInformationHandover:
      "Je suis désolé, je n'ai pas cette information. Je transmets votre question à un membre de notre équipe, qui vous répondra ici dès que possible.",
    clarify: 'Pourriez-vous préciser ce que vous recherchez ?',
    quotedInEnglish: 'Voici ce que dit notre documentation, en anglais :',
  },
  es: {
    greetings: [['buenos dias', '¡Buenos días!'], ['buenas tardes', '¡Buenas tardes!'], ['buenas noches', '¡Buenas noches!'], ['', '¡Hola!']],
    offer: '¿En qué puedo ayudarle?',
    thanks: '¡De nada! Si necesita algo más, no dude en decírmelo.',
    noInformation: 'Lo siento, no tengo esa información. Si desea hablar con una persona de nuestro equipo, escriba «hablar con una persona» y le responderán aquí.',
    noInformationHandover: 'Lo siento, no tengo esa información. Paso su pregunta a una persona de nuestro equipo, que le responderá aquí lo antes posible.',
    clarify: '¿Podría darme un poco más de detalle sobre lo que busca?',
    quotedInEnglish: 'Esto es lo que dice nuestra documentación, en inglés:',
  },
  pt: {
    greetings: [['bom dia', 'Bom dia!'], ['boa tarde', 'Boa tarde!'], ['boa noite', 'Boa noite!'], ['', 'Olá!']],
    offer: 'Como posso ajudar?',
    thanks: 'De nada! Se precisar de mais alguma coisa, é só dizer.',
    noInformation: 'Desculpe, não tenho essa informação. Se quiser falar com uma pessoa da nossa equipe, escreva "falar com uma pessoa" e alguém responderá aqui.',
    noInformationHandover: 'Desculpe, não tenho essa informação. Vou passar sua pergunta para uma pessoa da nossa equipe, que responderá aqui assim que possível.',
    clarify: 'Poderia dar mais detalhes sobre o que procura?',
    quotedInEnglish: 'Isto é o que diz a nossa documentação, em inglês:',
  },
  de: {
    greetings: [['guten morgen', 'Guten Morgen!'], ['guten tag', 'Guten Tag!'], ['guten abend', 'Guten Abend!'], ['hallo', 'Hallo!'], ['', 'Hallo!']],
    offer: 'Wie kann ich Ihnen helfen?',
    thanks: 'Gern geschehen! Melden Sie sich, wenn Sie noch etwas brauchen.',
    noInformation:
      'Das tut mir leid, diese Information habe ich nicht. Wenn Sie mit einem Mitarbeiter sprechen möchten, schreiben Sie „mit einem Mitarbeiter sprechen“, und jemand antwortet Ihnen hier.',
    noInformationHandover:
      'Das tut mir leid, diese Information habe ich nicht. Ich gebe Ihre Frage an ein Mitglied unseres Teams weiter, das Ihnen hier so bald wie möglich antwortet.',
    clarify: 'Könnten Sie etwas genauer sagen, wonach Sie suchen?',
    quotedInEnglish: 'Das steht in unserer Dokumentation, auf Englisch:',
  },
};
