/**
 * French, Spanish and German words of customer questions, with their English equivalents, so a
 * question in those languages meets knowledge written in English. Support-desk vocabulary only
 * (prices, hours, orders, delivery, returns, repairs, payment, contact...), plus days of the week;
 * every key in normalized form (lowercase, accents stripped), as `words()` produces it.
 */

const entries = (s: string): Array<[string, string[]]> =>
  s
    .trim()
    .split(/\n+/)
    .flatMap((line) => {
      const [keys, values] = line.split('=').map((p) => p.trim());
      const english = values!.split(/\s+/);
      return keys!.split(/\s+/).map((k): [string, string[]] => [k, english]);
    });

const FRENCH = entries(`
  prix tarif tarifs = price
  coute coutent couter cout couts frais = cost price
  payer paye payez paiement reglement = pay payment
  carte cartes = card
  credit = credit
  cheque cheques = cheque
  especes liquide = cash
  livraison livraisons livrer livrez livre = delivery deliver
  expedition expedier expediez envoi envoyer envoyez = shipping ship send
  colis = parcel
  suivi = tracking
  retour retours retourner rendre renvoyer rapporter = return
  remboursement rembourser rembourse remboursez = refund
  echange echanger = exchange
  garantie garanties = warranty guarantee
  reparation reparations reparer reparez = repair
  casse cassee panne abime = broken repair
  ouvert ouverte ouverts ouvrez ouverture ouvre = open
  ferme fermee fermez fermeture = closed close
  horaires horaire heures = hours
  heure = time
  aujourd = today
  demain = tomorrow
  lundi = monday
  mardi = tuesday
  mercredi = wednesday
  jeudi = thursday
  vendredi = friday
  samedi samedis = saturday
  dimanche dimanches = sunday
  ferie feries = bank holiday
  jour jours = day
  semaine semaines = week
  mois = month
  annee annees ans = year
  telephone telephoner appeler = phone call
  numero = number
  courriel mail email = email
  adresse = address
  magasin boutique = shop store
  commande commandes commander = order
  compte = account
  annuler annulation = cancel
  reservation reserver rendez = booking appointment
  reduction remise promotion = discount
  etudiant etudiants etudiante = student
  cadeau = gift
  bon = voucher
  louer location = hire rent
  velo velos bicyclette = bike bicycle
  electrique = electric
  article articles produit produits = item product
  neuf neufs = new
  occasion = used second hand
  revision entretien = service
  crevaison crevaisons = puncture flat
  pneu pneus = tyre
  frein freins = brake
  chaine = chain
  batterie = battery
  cadre = frame
  accessoires = accessories
  piece pieces = part parts
  delai duree = long
  accepter acceptez acceptes = accept
  vendre vendez = sell
  stationnement garer parking = parking park
  europe = europe
  etranger international = abroad international
  gratuit gratuite gratuits = free
  caution depot = deposit
  casque = helmet
  assurance = insurance
  cours lecons = lessons
  chien = dog
  trottinette trottinettes = scooter
  adulte adultes = adult
  enfant enfants = kid child
`);

const SPANISH = entries(`
  precio precios tarifa = price
  cuesta cuestan costo coste costar = cost price
  pagar pago pagos = pay payment
  tarjeta tarjetas = card
  credito = credit
  cheque cheques = cheque
  efectivo = cash
  envio envios enviar envian = shipping ship send delivery
  entrega entregas entregar = delivery deliver
  paquete = parcel
  seguimiento = tracking
  devolucion devoluciones devolver = return
  reembolso reembolsar = refund
  cambio cambiar = exchange
  garantia = warranty guarantee
  reparacion reparar arreglar = repair
  roto rota averiado averia = broken repair
  abierto abierta abren abre = open
  cerrado cerrada cierran cierra = closed close
  horario horarios = hours
  hora horas = time hours
  hoy = today
  lunes = monday
  martes = tuesday
  miercoles = wednesday
  jueves = thursday
  viernes = friday
  sabado sabados = saturday
  domingo domingos = sunday
  festivo festivos = bank holiday
  dia dias = day
  semana semanas = week
  mes meses = month
  ano anos = year
  telefono llamar = phone call
  numero = number
  correo email = email
  direccion = address
  tienda tiendas = shop store
  pedido pedidos = order
  cuenta = account
  cancelar = cancel
  cita reserva reservar = booking appointment
  descuento descuentos = discount
  estudiante estudiantes = student
  regalo = gift
  alquilar alquiler alquilan = hire rent
  bicicleta bicicletas bici bicis = bike bicycle
  electrica electrico electricas = electric
  articulo articulos producto productos = item product
  nuevo nueva = new
  usado usada usados usadas = used second hand
  revision mantenimiento = service
  pinchazo pinchazos = puncture flat
  neumatico neumaticos = tyre
  freno frenos = brake
  cadena = chain
  bateria = battery
  cuadro = frame
  accesorios = accessories
  pieza piezas repuestos = part parts
  tarda tardan dura duracion = long
  aceptan acepta aceptar = accept
  venden vende vender = sell
  aparcar aparcamiento estacionamiento = parking park
  europa = europe
  extranjero internacional = abroad international
  gratis gratuito gratuita = free
  deposito fianza = deposit
  casco = helmet
  seguro = insurance
  clases = lessons
  perro = dog
  patinete patinetes = scooter
  adultos = adult
  ninos = kid child
`);

const GERMAN = entries(`
  preis preise = price
  kosten kostet = cost price
  bezahlen zahlen zahlung = pay payment
  karte = card
  kredit = credit
  scheck schecks = cheque
  bargeld = cash
  lieferung liefern liefert versand versenden = delivery shipping deliver
  paket = parcel
  sendungsverfolgung = tracking
  ruckgabe zuruckgeben zuruckzugeben zurucksenden zuruckschicken umtausch = return
  erstattung ruckerstattung erstattet = refund
  umtauschen = exchange
  garantie gewahrleistung = warranty guarantee
  reparatur reparieren repariert = repair
  kaputt defekt = broken repair
  geoffnet offen offnen offnet = open
  geschlossen schliessen = closed close
  offnungszeiten = opening hours
  uhrzeit uhr = time
  heute = today
  morgen = tomorrow
  montag = monday
  dienstag = tuesday
  mittwoch = wednesday
  donnerstag = thursday
  freitag = friday
  samstag samstags = saturday
  sonntag sonntags = sunday
  feiertag feiertagen = bank holiday
  tag tage tagen = day
  woche wochen = week
  monat monate = month
  jahr jahre = year
  telefon anrufen = phone call
  nummer = number
  mail email = email
  adresse anschrift = address
  laden geschaft filiale = shop store
  bestellung bestellen = order
  konto = account
  stornieren = cancel
  termin buchen buchung = booking appointment
  rabatt ermassigung = discount
  student studenten studierende = student
  geschenk = gift
  gutschein = voucher gift
  mieten miete verleih leihen = hire rent
  fahrrad fahrrader rad = bike bicycle
  elektro elektrisch = electric
  artikel produkt = item product
  neu neues = new
  gebraucht gebrauchte = used second hand
  inspektion wartung = service
  platten plattfuss reifenpanne = puncture flat
  reifen = tyre
  bremse bremsen = brake
  kette = chain
  akku batterie = battery
  rahmen = frame
  zubehor = accessories
  teil teile ersatzteile = part parts
  dauer dauert = long
  akzeptieren = accept
  verkaufen = sell
  parken parkplatz = parking park
  europa = europe
  ausland international = abroad international
  kostenlos gratis = free
  kaution = deposit
  helm = helmet
  versicherung = insurance
  kurse unterricht = lessons
  hund = dog
  roller = scooter
  erwachsene = adult
  kinder = kid child
`);

const GLOSSARY: ReadonlyMap<string, readonly string[]> = new Map([...FRENCH, ...SPANISH, ...GERMAN]);

/** German nouns are glued together ("telefonnummer", "kreditkarte"): the two halves are looked up. */
function decompound(word: string): string[] | undefined {
  for (let i = 3; i <= word.length - 3; i++) {
    const head = lookup(word.slice(0, i), false);
    const tail = lookup(word.slice(i), false) ?? lookup(word.slice(i).replace(/^s(?=.{3})/, ''), false);
    if (head && tail) return [...head, ...tail];
  }
  return undefined;
}

function lookup(word: string, compound: boolean): readonly string[] | undefined {
  const direct = GLOSSARY.get(word);
  if (direct) return direct;
  // Plural and case endings: "plattens", "horaires", "fahrradern".
  for (const end of ['s', 'es', 'n', 'en', 'e', 'er', 'ern']) {
    if (word.length - end.length >= 3 && word.endsWith(end)) {
      const hit = GLOSSARY.get(word.slice(0, -end.length));
      if (hit) return hit;
    }
  }
  return compound && word.length >= 8 ? decompound(word) : undefined;
}

/** English words for a French, Spanish or German word (normalized), or undefined when it has none. */
export function translateWord(word: string): readonly string[] | undefined {
  return lookup(word, true);
}
