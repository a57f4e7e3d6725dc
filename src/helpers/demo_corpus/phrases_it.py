"""Banche di frasi italiane per il corpus dimostrativo (sindrome di Dravet).

Gli slot tra graffe sono riempiti da :mod:`.text`.  Dove l'italiano richiede
una preposizione articolata lo slot ha la sua forma: ``{del_drug}``
("della fenfluramina"), ``{al_hospital}`` ("all'ospedale pediatrico di
Genova"), ``{sul_benefit}``...  Le desinenze seguono il genere: ``{a:o|a}``
per chi scrive, ``{c:o|a}`` per il figlio o la figlia, ``{m:o|a}`` per la
persona di cui racconta l'associazione.  Persone, centri e numeri sono
inventati.
"""

# Each template is one line of natural text, so some lines are long.
# ruff: noqa: E501

from __future__ import annotations


def _l(block: str) -> list[str]:
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


OPENINGS = {
    "experiential": _l("""
        Sfogo di stanotte.
        Scusate il papiro.
        Piccola vittoria oggi!
        Non so nemmeno perché lo scrivo, ma eccomi.
        Giornata lunga.
        Aggiornamento veloce.
        Oggi sono un po' giù.
        Finalmente una buona notizia!
        Primo post qui, siate clementi.
        Appena rientrat{a:o|a} {dal_hospital}.
        È {weekday} e sono già distrutt{a:o|a}.
        Non riesco a dormire, quindi eccomi qui.
        Condivido nel caso possa servire a qualcuno.
        Post sincero, non da vetrina.
        Scrivo dal parcheggio dell'ospedale.
    """),
    "mediated_experiential": _l("""
        Momento di orgoglio!
        Aggiornamento su {child}.
        Due parole su {child}.
        Vi presento {child}.
        Notizie da casa nostra.
        Oggi {child} ha fatto una cosa bellissima.
        Aggiornamento dal nostro piccolo guerriero.
        Posso vantarmi un attimo?
        Settimana difficile a casa nostra.
    """),
    "medical": _l("""
        Novità dalla ricerca:
        Studio in evidenza 🔬
        Da leggere:
        Articolo interessante uscito questa settimana.
        Aggiornamento sugli studi clinici:
        Per chi segue le novità {sul_drug}:
        Pubblicato questa settimana:
        Notizie dalla ricerca.
        Lettura lunga, ma importante.
    """),
    "practical": _l("""
        Consiglio utile:
        Da sapere:
        Promemoria:
        Informazioni utili.
        Per le famiglie con una diagnosi recente:
        Una cosa che ci ha aiutato:
        Per chi sta facendo domanda:
        L'ho imparato a mie spese:
        Lo lascio qui per chi ne ha bisogno.
    """),
    "advocacy": _l("""
        📣 Segnatevi la data!
        Abbiamo bisogno di voi!
        Ci siamo quasi!
        Condividete!
        Mancano solo {small} giorni!
        Chiamata a tutti i sostenitori!
        Grande notizia!
        Partecipate anche voi:
        Facciamoci sentire!
        Oggi è il giorno!
    """),
    "other": _l("""
        Buongiorno a tutti!
        Buonasera a tutti.
        Ciao a tutti,
        Un saluto a tutti,
        Passo solo a salutare.
    """),
}

EXPERIENTIAL = {
    "diagnosis": _l("""
        Ho sentito la parola "Dravet" per la prima volta in un corridoio d'ospedale, alle due di notte.
        Ci sono voluti {years} anni e {small} neurologi prima di avere una diagnosi.
        Ricordo ancora il giorno {del_test}: sono uscit{a:o|a} dall'ambulatorio senza riuscire a parlare.
        Quando ci hanno dato la diagnosi ho passato la notte a leggere tutto su internet. Non fatelo.
        Il pediatra mi diceva che erano "solo convulsioni febbrili" e mi sono fidat{a:o|a} per troppo tempo.
        Il giorno della diagnosi ho pianto in macchina per mezz'ora prima di riuscire a salire in casa.
        Ho conservato tutte le lettere di dimissione del primo anno: è un faldone alto così.
        La genetista è stata l'unica a spiegarmi la mutazione di SCN1A con parole semplici.
        Ero convint{a:o|a} che fosse colpa mia. Ci ho messo anni a smettere di pensarlo.
        Ho chiesto un secondo parere e non me ne pentirò mai.
    """),
    "treatment_access": _l("""
        Aspetto da {weeks} settimane il rinnovo del piano terapeutico per {drug}.
        Ho passato la mattina al telefono con la farmacia ospedaliera. Di nuovo.
        Faccio {distance} per ritirare il farmaco, perché nella nostra ASL non lo distribuiscono.
        Ho scritto alla Regione per la terza volta per avere {drug}. Nessuna risposta.
        Da quando abbiamo iniziato {drug} ho ripreso a dormire qualche notte intera.
        Ormai so compilare il modulo del piano terapeutico a memoria.
        Ogni volta che cambiamo il dosaggio non dormo per una settimana.
        Ho litigato con l'ennesimo call center per una consegna sbagliata.
        Ci siamo trasferiti più vicino {al_hospital} anche per le terapie.
    """),
    "research": _l("""
        Ho partecipato a un incontro con i ricercatori e per la prima volta mi sono sentit{a:o|a} ascoltat{a:o|a}.
        Ho compilato il questionario per il registro dei pazienti: dieci minuti, ma importanti.
        Ho letto il nuovo studio {sul_drug} tre volte e ancora non so cosa significhi per noi.
        Sono cautamente ottimista dopo i dati presentati {al_conference}.
        Ho firmato il consenso per lo studio di storia naturale: se può servire ad altre famiglie, ne vale la pena.
        Ho raccontato la nostra quotidianità a un gruppo di ricercatori e mi hanno fatto domande che nessuno mi aveva mai fatto.
    """),
    "symptoms": _l("""
        Stanotte ho contato i secondi di un'altra crisi, con il telefono in mano.
        Ho dormito sul pavimento accanto al letto, come ogni volta che sale la febbre.
        Ogni volta che sento un rumore dal baby monitor mi si ferma il cuore.
        Tre crisi in una settimana e io non ce la faccio più.
        Ho imparato a riconoscere una crisi dal respiro, prima ancora di vederla.
        Il caldo di questi giorni mi terrorizza: per noi vuol dire più crisi.
        Ho annullato l'ennesimo impegno perché la notte è stata durissima.
        Ho tenuto il diario delle crisi per {weeks} settimane e finalmente ho qualcosa da mostrare al neurologo.
        Non vedo le crisi solo quando succedono: le aspetto tutto il giorno.
    """),
    "caregiving": _l("""
        Non dormo una notte intera da {months} mesi.
        Sono {a:padre|madre}, infermier{a:e|a}, autista e segretari{a:o|a} prima delle nove di mattina.
        Ho chiesto per la prima volta qualche ora di assistenza domiciliare e mi sento in colpa.
        Ho lasciato il lavoro due anni fa: adesso la mia agenda è fatta di visite ed elettroencefalogrammi.
        Io e {partner_rel} non usciamo da soli da {months} mesi.
        Amo prendermi cura di {child} e sono esaust{a:o|a}. Sono vere tutte e due le cose.
        Oggi una signora al supermercato mi ha aiutat{a:o|a} con le buste senza fare domande. Ho pianto in macchina.
        Ormai so regolare il saturimetro a occhi chiusi.
        Faccio {small} notti a settimana da sol{a:o|a} e vado avanti a caffè.
    """),
    "daily_life": _l("""
        Siamo riusciti ad andare al mare per un weekend, con la borsa dei farmaci sempre a portata di mano.
        Sono tornat{a:o|a} al lavoro part-time e la prima settimana è andata meglio del previsto.
        Ho fatto la spesa da sol{a:o|a} per la prima volta dopo mesi. Piccole cose.
        Siamo andati a una festa di compleanno e nessuno ha fatto domande strane. Che sollievo.
        Ho ripreso a correre la mattina presto, prima che si svegli tutta la casa.
        Ho prenotato le vacanze controllando prima quanto dista l'ospedale più vicino.
        Ho letto un libro intero in una settimana. Non succedeva da anni.
    """),
    "mental_health": _l("""
        Ho iniziato un percorso con una psicologa e mi sta aiutando più di quanto pensassi.
        Mi sento invisibile in quasi tutte le stanze in cui entro.
        Mi sento sol{a:o|a} in un modo difficile da spiegare a chi non vive con la Dravet.
        Non scrivo spesso delle giornate difficili, ma oggi è una di quelle.
        Trovare questo gruppo mi ha salvat{a:o|a} in un anno molto buio.
        Sto imparando che il dolore e la speranza possono stare nella stessa casa.
        Sono stanc{a:o|a} di dover essere sempre forte per tutti.
        Ho cancellato tre bozze di questo post prima di decidermi a pubblicarlo.
        Ho smesso di scusarmi quando disdico un impegno. Ci ho messo {years} anni.
    """),
    "fundraising": _l("""
        Corro la mezza maratona di {city} per {org_short} e non ho mai corso più di cinque chilometri.
        Ho organizzato una cena con gli amici e abbiamo raccolto {money} per la ricerca.
        Ho preparato duecento biscotti per il mercatino di Natale dell'associazione. Mai più. Anzi, l'anno prossimo di nuovo.
        Per il mio compleanno ho chiesto donazioni al posto dei regali: siamo già a {money}.
    """),
    "awareness": _l("""
        Ho raccontato la nostra storia nella classe di {child} per la Giornata delle Malattie Rare.
        Sono andat{a:o|a} in radio a parlare della sindrome di Dravet. Mi tremava la voce.
        Prima non ne parlavo con nessuno. Quest'anno ho deciso di raccontarlo.
        Ho messo le strisce da zebra al lavoro e ho finito per spiegare la Dravet a mezzo ufficio.
        Non avrei mai pensato di parlare in pubblico di malattie rare, e invece eccomi qui.
    """),
    "equipment_benefits": _l("""
        La visita per l'invalidità è fissata per {weekday} e sono già in ansia.
        Aspetto da {months} mesi il {equipment}.
        Dopo un ricorso abbiamo finalmente ottenuto {benefit}. Non mollate.
        Ho passato la pausa pranzo in attesa al telefono con l'INPS.
        È arrivato il nuovo {equipment} e mi ha cambiato le notti.
        Ho compilato per la terza volta la stessa domanda per {benefit}.
    """),
}

MEDIATED = {
    "diagnosis": _l("""
        {child} ha avuto la prima crisi a {months} mesi, con la febbre alta. Sapevamo che qualcosa non andava.
        {ad_child} hanno diagnosticato la sindrome di Dravet quando aveva {age} anni, dopo {small} ricoveri.
        La diagnosi di {child} è arrivata dopo {small} specialisti diversi. È stat{c:o|a} pazientissim{c:o|a}.
        Per due anni ci hanno detto che le crisi di {child} erano "febbrili semplici".
        Il test genetico di {child} ha trovato la mutazione di SCN1A quando aveva {age} anni.
        Sono passati {years} anni dalla diagnosi di {child} e ci ha insegnato più di qualsiasi medico.
        Il giorno della diagnosi di {child} la neurologa ci ha fatto uno schema su un tovagliolo. Lo conserviamo ancora.
    """),
    "treatment_access": _l("""
        {child} ha iniziato {drug} da {weeks} settimane e le crisi sono diminuite.
        Da quando {child} prende {drug} riusciamo a dormire qualche notte di fila.
        Stiamo lottando da {months} mesi perché {child} possa avere {drug}.
        Per la terapia di {child} facciamo {distance} a ogni controllo.
        Le infermiere {del_hospital} hanno reso il ricovero di {child} quasi una festa.
        Oggi {child} ha fatto gli esami di controllo per la terapia: tutto nella norma.
        Il farmaco di {child} non è arrivato in farmacia, di nuovo. Mattinata al telefono.
    """),
    "research": _l("""
        {child} partecipa a uno studio di storia naturale e adora gli adesivi che {c:gli|le} regalano.
        Abbiamo iscritto {child} al registro dei pazienti: i suoi dati potranno aiutare altre famiglie.
        {child} è nello studio di {phase} {sul_drug}: tante trasferte a {city}, ma ne vale la pena.
        {child} ha fatto mille domande all'infermiera della ricerca. Da grande vuole fare {c:lo scienziato|la scienziata}.
    """),
    "symptoms": _l("""
        {child} ha avuto {symptom} per tutta la settimana e siamo stremati.
        Notte difficile per {child}: una crisi lunga e la corsa in pronto soccorso.
        {child} è sensibilissim{c:o|a} al caldo, quindi quest'estate usciamo solo la sera.
        Teniamo un diario delle crisi di {child} da portare alla prossima visita.
        {child} ha dormito tutta la notte senza crisi, la prima volta dopo due settimane.
        Con la febbre di questi giorni {child} ha avuto {symptom} e siamo sempre all'erta.
    """),
    "caregiving": _l("""
        I nonni hanno imparato tutta la routine di {child}, così stasera siamo usciti a cena. Dopo tre anni.
        {sibling} ha aiutato {child} con gli esercizi di fisioterapia senza che nessuno glielo chiedesse.
        La nuova educatrice di {child} ha iniziato questa settimana ed è già amore.
        Ogni sera facciamo gli esercizi di {child} prima di dormire, {small}0 minuti, sempre.
        {child} e la sua terapista hanno un saluto segreto che nessun altro può imparare.
        {sibling} legge una storia {ad_child} ogni sera. È il loro momento.
    """),
    "daily_life": _l("""
        {child} ha iniziato la scuola nuova e torna a casa pien{c:o|a} di racconti.
        {child} ha compiuto {age} anni oggi! Torta, palloncini e una famiglia stanchissima.
        {child} ha provato {activity} e vuole tornarci la settimana prossima.
        {child} è andat{c:o|a} in gita con la classe e le maestre hanno pensato a tutto.
        {child} ha trovato un amico del cuore a scuola e sono inseparabili.
        Prima recita di Natale per {child}: nessuna crisi e tantissimi applausi.
    """),
    "mental_health": _l("""
        Oggi {child} mi ha chiesto perché è divers{c:o|a} dagli altri. Non ho saputo cosa rispondere.
        {child} ha paura delle visite in ospedale, così stiamo lavorando con la psicologa.
        Gli amici di {child} sono la cosa più bella che {c:gli|le} sia capitata.
        {child} ha detto alla maestra che a ricreazione si sente esclus{c:o|a}. Ci stiamo lavorando.
    """),
    "fundraising": _l("""
        {child} e i compagni di classe hanno organizzato un mercatino e raccolto {money} per la ricerca!
        La scuola di {child} ha raccolto {money} con la festa di fine anno.
        Il nonno di {child} pedala per {small}00 chilometri per {c:lui|lei} {a_month}.
    """),
    "awareness": _l("""
        {child} ha presentato alla classe un cartellone sulla sindrome di Dravet e ha risposto a tutte le domande.
        Tutta la classe di {child} oggi era vestita a righe per la Giornata delle Malattie Rare.
        {child} vuole che tutti sappiano che la Dravet non {c:gli|le} toglie la voglia di ridere.
    """),
    "equipment_benefits": _l("""
        È arrivato il {equipment} di {child} e finalmente dormiamo più tranquilli.
        Aspettiamo il {equipment} di {child} da {months} mesi.
        Dopo il ricorso, per {child} abbiamo ottenuto {benefit}.
        A scuola hanno finalmente assegnato {ad_child} l'insegnante di sostegno per tutte le ore.
    """),
}

ORG_MEDIATED = {
    "any": _l("""
        Vi presentiamo {member}, {member_age} anni, a cui la sindrome di Dravet è stata diagnosticata a {age} anni.
        La mamma di {member} ci racconta il primo anno dopo la diagnosi: "Una nebbia, poi piano piano la luce."
        Il papà di {member} ci ha scritto: "Abbiamo imparato a festeggiare ogni piccolo passo."
        Questa settimana condividiamo la storia di {member}: diagnosi a {age} anni, tanta fatica e altrettanta determinazione.
        Per la famiglia di {member} la parte più difficile non sono le crisi, ma sentirsi soli. Oggi non lo sono più.
        {member} ha iniziato {drug} lo scorso anno e i genitori ci raccontano cosa è cambiato.
        Quest'estate {member} ha partecipato al campo estivo dell'associazione: "La settimana più bella della sua vita", dice la mamma.
        La sorella di {member} ci ha scritto una lettera bellissima su cosa significa crescere accanto a {m:lui|lei}.
        I genitori di {member} raccontano che ottenere {benefit} ha richiesto {months} mesi e {small} ricorsi.
    """),
}

MEDICAL_ORG = {
    "research": _l("""
        È aperto il reclutamento per uno studio di {phase} {sul_drug}: tutti i dettagli sul registro degli studi clinici.
        Nuovo studio pubblicato su {journal}: {small}0 bambini seguiti per {years} anni dopo l'inizio della terapia.
        I ricercatori hanno presentato {al_conference} nuovi dati a lungo termine {sul_drug}.
        Uno studio di storia naturale cerca famiglie di bambini con sindrome di Dravet: sono previste {small} visite all'anno.
        Il registro dei pazienti ha superato i {big} iscritti: è grazie a voi se studi come questo sono possibili.
        Una nuova revisione sistematica ha valutato le prove sulla dieta chetogenica nella Dravet: le evidenze restano limitate.
        Cosa dicono davvero gli ultimi dati {sul_drug}, spiegato in parole semplici.
        Oligonucleotidi antisenso e terapie geniche: a che punto è la ricerca sulla sindrome di Dravet.
    """),
    "treatment_access": _l("""
        L'AIFA ha approvato la rimborsabilità {del_drug} per i pazienti con sindrome di Dravet.
        Il comitato dell'Agenzia europea per i medicinali ha espresso parere positivo {sul_drug}.
        Aggiornamento: {drug} è ora disponibile nelle farmacie ospedaliere della vostra regione, chiedete al vostro centro.
        Nuove indicazioni sul passaggio {dal_drug} {al_drug2}: cosa dicono le evidenze.
        Il piano terapeutico {del_drug} ora può essere rinnovato ogni dodici mesi.
    """),
    "symptoms": _l("""
        I neurologi ricordano che i disturbi del sonno nella sindrome di Dravet sono frequenti e spesso sottovalutati.
        Le nuove raccomandazioni suggeriscono un piano scritto per le crisi prolungate, da tenere sempre con sé.
        Uno studio recente ha valutato il comportamento di {small}0 bambini con Dravet: pochi ricevevano un supporto adeguato.
    """),
    "diagnosis": _l("""
        Il test genetico per la sindrome di Dravet cerca varianti del gene SCN1A: ecco come funziona.
        Il tempo medio per arrivare alla diagnosi è ancora di circa {small} anni, secondo una nuova indagine.
        Pubblicato un nuovo percorso diagnostico per pediatri e neuropsichiatri infantili.
    """),
}

MEDICAL_PUBLIC = {
    "research": _l("""
        Qualcuno ha letto il nuovo studio {sul_drug} pubblicato su {journal}? I dati a lungo termine sembrano incoraggianti.
        Sono usciti i risultati di fase 3 {sul_drug}: l'effetto c'è, ma non per tutti allo stesso modo.
        Interessante il poster presentato {al_conference} sui disturbi del sonno nella Dravet.
    """),
    "treatment_access": _l("""
        Con la fenfluramina servono ecocardiogrammi regolari: è scritto nella scheda tecnica del farmaco.
        Il cannabidiolo nella Dravet è rimborsato in associazione al clobazam, secondo la nota dell'AIFA.
        Lo stiripentolo si usa insieme ad altri antiepilettici, non da solo: lo dice anche la scheda tecnica.
    """),
    "symptoms": _l("""
        Secondo uno studio dell'anno scorso i disturbi del sonno riguardano la maggior parte dei bambini con Dravet.
        La nostra neurologa dice che l'attività fisica regolare può aiutare, ma gli studi sono ancora piccoli.
    """),
    "diagnosis": _l("""
        Il test genetico cerca varianti di SCN1A, per questo un EEG normale all'inizio non esclude la Dravet.
    """),
}

PRACTICAL_ORG = {
    "equipment_benefits": _l("""
        Se state facendo domanda per {benefit}, descrivete la giornata peggiore, non la migliore.
        Conservate una copia di ogni verbale e di ogni lettera: tutte, nessuna esclusa.
        Se la domanda viene respinta potete fare ricorso: la nostra guida spiega come.
        La nostra guida {sul_benefit} è aggiornata al {year}: requisiti, moduli e tempi.
        Il bando per il contributo sugli ausili riapre {weekday}: la domanda richiede una ventina di minuti.
    """),
    "daily_life": _l("""
        In viaggio? Portate sempre il piano di emergenza firmato dal neurologo e i farmaci nel bagaglio a mano.
        Per le gite scolastiche chiedete un incontro con le insegnanti con largo anticipo.
        La nostra guida per l'inserimento a scuola spiega come preparare il PEI.
        D'estate borraccia, cappellino e ombra: il caldo è uno dei fattori scatenanti più comuni.
    """),
    "treatment_access": _l("""
        Prima di un EEG in privazione di sonno chiedete al centro come organizzare la notte precedente.
        Portate alla visita una lista scritta di domande: quando si entra si dimenticano tutte.
        Se il farmaco non arriva, chiamate prima la farmacia ospedaliera e poi il centro di riferimento.
        Potete chiedere un secondo parere in un centro di riferimento: vi spieghiamo come fare.
    """),
    "caregiving": _l("""
        I caregiver possono chiedere i permessi retribuiti della legge 104: ecco la nostra scheda.
        Chiedete al neurologo una lettera per il pronto soccorso con la storia clinica: evita di ripetere tutto ogni volta.
        I nostri operatori possono aiutarvi a organizzare qualche giorno di sollievo. Scriveteci.
        Anche i fratelli hanno bisogno di uno spazio: il gruppo fratelli si incontra online ogni {weekday}.
    """),
    "mental_health": _l("""
        Il gruppo di auto mutuo aiuto per genitori si incontra online ogni {weekday} alle 21. Non serve accendere la telecamera.
        Vi sentite soli? Il progetto "genitore amico" vi mette in contatto con chi ci è già passato.
        Lo sportello di supporto psicologico è gratuito per le famiglie associate. Ecco come prenotare.
    """),
    "diagnosis": _l("""
        Diagnosi recente? Il nostro kit di benvenuto spiega le prime settimane: visite, parole difficili, chi chiamare.
        Chiedete sempre una copia del referto genetico: servirà per gli studi e per i registri.
        Il nostro sportello può aiutarvi a leggere la lettera di diagnosi, riga per riga.
    """),
    "symptoms": _l("""
        Tenete un diario delle crisi: data, durata, cosa le ha scatenate. Per il centro è preziosissimo.
        La nostra scheda sulla gestione della febbre è stata scritta insieme ai neurologi e alle famiglie.
        Ricordate: il farmaco di emergenza va sempre portato con sé, anche a scuola e dai nonni.
    """),
}

PRACTICAL_PUBLIC = {
    "equipment_benefits": _l("""
        Consiglio: nella domanda per {benefit} descrivete la giornata peggiore, non la migliore.
        Per noi il sensore sotto il materasso è stato una svolta. Chiedete all'ASL, a volte lo passano.
        Fotografate ogni ausilio il giorno in cui arriva. A noi ha risolto una contestazione.
    """),
    "daily_life": _l("""
        Cucinare in anticipo nei giorni buoni ci salva nei giorni brutti.
        Teniamo la borsa con il farmaco di emergenza sempre pronta vicino alla porta.
        D'estate teniamo il condizionatore acceso: con il caldo le crisi aumentano.
        Per le crisi notturne usiamo una videocamera con visione notturna, costa poco e aiuta tanto.
    """),
    "treatment_access": _l("""
        Chiedete alla farmacia di avvisarvi con un messaggio quando arriva il farmaco. Se lo chiedete, lo fanno.
        Il giorno del ricovero portate merende, caricabatterie e una coperta: dura sempre più del previsto.
        Se le lettere del centro tardano, chiedete che ve le mandino per email.
    """),
    "caregiving": _l("""
        Mettete una sveglia sul telefono per ogni terapia, anche quando pensate di ricordarvelo.
        Un calendario condiviso in famiglia ci ha evitato un sacco di visite doppie.
        Chiedete l'assegno di cura in Comune: noi l'abbiamo scoperto troppo tardi.
    """),
    "mental_health": _l("""
        Il gruppo online del {weekday} per me è stato un'ancora di salvezza. Provateci.
        Una psicologa che conosce le malattie croniche ha fatto la differenza. Chiedete al medico di base.
    """),
    "diagnosis": _l("""
        Scrivete tutte le domande prima della visita e portate qualcuno con voi.
        Chiedete il referto genetico scritto. Più avanti vi servirà.
    """),
    "symptoms": _l("""
        Noi segniamo ogni crisi su un'app: al controllo il neurologo ha visto subito lo schema.
        Quando sale la febbre abbassiamo subito la temperatura della stanza: a noi aiuta.
    """),
}

ADVOCACY_ORG = {
    "fundraising": _l("""
        Torna la nostra {event} il {date}! Iscrivetevi e aiutateci a finanziare la ricerca sulla sindrome di Dravet.
        Abbiamo raccolto finora {money} per il fondo di sostegno alle famiglie. Grazie!
        Donate, correte, cucinate o semplicemente parlatene: ogni gesto conta.
        La squadra di {child} corre la mezza maratona di {city} per noi. Sosteneteli qui.
        È aperta la lotteria di Natale! I biglietti costano {small_money}.
        Un enorme grazie alla famiglia {family}, che ha raccolto {money} con la sua {event}.
        Il 5x1000 non vi costa nulla: indicate la nostra associazione nella dichiarazione dei redditi.
    """),
    "awareness": _l("""
        Oggi è la Giornata delle Malattie Rare! Nel corso della vita una persona su 17 sarà toccata da una malattia rara.
        Mostrate le vostre strisce per la Giornata delle Malattie Rare e taggateci nelle foto.
        Il 23 giugno è la Giornata internazionale della sindrome di Dravet: stasera i monumenti di {city} si illuminano di viola.
        Siamo in Parlamento per chiedere un accesso più rapido alle terapie.
        È online il nostro nuovo video di sensibilizzazione, realizzato con {small} famiglie. Condividetelo!
        La sindrome di Dravet colpisce circa un bambino su 15.000. Quasi nessuno ne ha mai sentito parlare.
        Questo mese raccontiamo ogni giorno una storia della nostra comunità.
    """),
    "treatment_access": _l("""
        Firmate la petizione: ogni bambino con sindrome di Dravet deve poter accedere {al_drug}, in qualunque regione viva.
        Scrivete al vostro consigliere regionale: ecco una lettera già pronta sull'accesso alle terapie.
        Abbiamo inviato all'AIFA le osservazioni di {big} famiglie.
        Il nostro questionario sull'accesso {al_drug} si chiude il {date}: le vostre risposte arrivano direttamente a chi decide.
    """),
    "research": _l("""
        Abbiamo stanziato {money} per un nuovo bando di ricerca {sul_research_topic}.
        La nostra agenda di ricerca è stata scritta con {small}0 famiglie. Grazie per la vostra voce.
        È aperto il bando {year} per progetti di ricerca sulla sindrome di Dravet.
    """),
}

ADVOCACY_PUBLIC = {
    "fundraising": _l("""
        Corro la {event_short} di {city} per {org_short} {a_month}: ogni donazione è preziosa!
        È partita la raccolta fondi per il {equipment} di {child}. Ogni condivisione aiuta.
        Organizziamo una {event} il {date} per raccogliere fondi per la ricerca. Venite!
    """),
    "awareness": _l("""
        Condividete: quasi nessuno conosce la sindrome di Dravet, e questo deve cambiare.
        Vestitevi a righe per la Giornata delle Malattie Rare e raccontate a qualcuno una malattia che non conosce.
        Ho firmato la petizione per l'accesso alle terapie. Due minuti. Fatelo anche voi.
    """),
    "treatment_access": _l("""
        Tutti i bambini con Dravet devono poter avere {drug}, in ogni regione. Firmate e condividete.
        La consultazione si chiude il {date}: la voce delle famiglie conta, rispondete.
    """),
}

OTHER_ORG = _l("""
    Buongiorno a tutti! Vi auguriamo una giornata serena.
    Grazie a tutti quelli che sono venuti ieri. Che giornata!
    Benvenuti ai nuovi follower, siamo felici che ci abbiate trovato.
    La sede resta chiusa per le feste: ci risentiamo dopo l'Epifania.
    Buone feste da tutti noi di {org_short}!
    Abbiamo superato i {big} follower. Grazie di esserci.
    Grazie ai nostri volontari: senza di voi non potremmo fare niente.
    Buon anno da tutto lo staff di {org_short}. Che il {year} sia gentile con tutti noi.
    Grazie per averlo condiviso con noi.
""")

OTHER_PUBLIC = _l("""
    Che bello leggere queste cose.
    Buona giornata a tutti, che sia leggera.
    Caffè e casa silenziosa. Paradiso.
    Mi avete svoltato la giornata.
    Che bel thread da leggere stamattina.
    Ahah quanto è vero.
    Non ci credo che è già {month}.
    Grazie a tutti per i messaggi di ieri.
    In bocca al lupo a chi ha visite questa settimana.
    Buongiorno, a {city} c'è il sole!
    Qualcuno guarda la partita stasera?
    Programmi del weekend: niente di niente, e non vedo l'ora.
""")

THEME_DETAILS = {
    "diagnosis": _l("""
        Nessuno ti dice quante carte arrivano insieme a una diagnosi.
        La genetista è stata gentile, ma tutto è successo così in fretta.
        Abbiamo il prossimo controllo {a_month}.
        Col senno di poi, i segnali c'erano da tempo.
        La prima visita sembrava una lezione in una lingua straniera.
        Conserviamo ancora il foglio che ci hanno dato quel giorno, tutto stropicciato.
        Gli amici ci provano, ma quasi nessuno aveva mai sentito parlare della Dravet.
    """),
    "treatment_access": _l("""
        La farmacia dice che l'ordine è "in lavorazione", qualunque cosa voglia dire.
        Tre telefonate, due email e un'infermiera pazientissima dopo, è tutto sistemato.
        Il day hospital è sempre pienissimo di {weekday}.
        Parcheggio, attesa, moduli, e si ricomincia.
        Anche il nostro neurologo si sta battendo per questo, e aiuta.
    """),
    "research": _l("""
        L'infermiera della ricerca ci ha spiegato ogni passaggio, ed è stato fondamentale.
        Le spese di viaggio sono rimborsate, altrimenti non potremmo partecipare.
        È lento, ma è la prima volta da anni che qualcosa si muove.
        Abbiamo fatto tante domande e abbiamo avuto risposte sincere.
    """),
    "symptoms": _l("""
        Il caldo non aiuta.
        Verso fine settimana va sempre peggio.
        Abbiamo iniziato un diario da portare al neurologo.
        Ci sono giorni tranquilli e giorni in cui le crisi decidono tutto.
        Stasera tutti a letto presto, senza discussioni.
        Il farmaco di emergenza è sempre a portata di mano.
    """),
    "caregiving": _l("""
        La lavatrice va da stamattina.
        Il caffè si è raffreddato, di nuovo.
        Sul frigo abbiamo un calendario dei turni degno di un ufficio militare.
        I turni di notte a casa non hanno la busta paga.
        I nonni valgono oro.
        L'assistente domiciliare ha disdetto all'ultimo minuto, ancora.
    """),
    "daily_life": _l("""
        Per una volta l'ascensore funzionava.
        Abbiamo studiato il percorso la sera prima.
        Il personale è stato gentilissimo.
        Piccole cose, ma fanno la differenza.
        Merenda, cambio e tutti i caricabatterie.
    """),
    "mental_health": _l("""
        Parlarne aiuta, anche quando non risolve niente.
        Ci sono settimane più pesanti di altre.
        Il gruppo dei genitori su WhatsApp ci tiene a galla.
        Una passeggiata al parco ha aiutato un po'.
    """),
    "fundraising": _l("""
        Ogni euro va alla ricerca e al sostegno delle famiglie.
        Le torte sono finite prima delle undici.
        Siamo al {pct}% dell'obiettivo.
    """),
    "awareness": _l("""
        Quasi nessuno aveva mai sentito parlare della Dravet fino a oggi.
        Le domande dei bambini sono state la parte più bella.
        Ogni conversazione conta.
    """),
    "equipment_benefits": _l("""
        Il modulo è di {small}0 pagine.
        Il medico della commissione non aveva mai sentito parlare della Dravet.
        Abbiamo mandato la stessa lettera tre volte.
        La lista d'attesa, dicono, è di {months} mesi.
    """),
}

QUESTIONS = {
    "practical": _l("""
        Qualcuno sa quanto si aspetta adesso per avere {benefit}?
        Qualcuno ha avuto il {equipment} tramite l'ASL? Quanto avete aspettato?
        Consigli per farsi ascoltare dalla scuola sulle esigenze di {child}?
        Cosa mettete nella borsa per un ricovero? Per noi è la prima volta la settimana prossima.
        A chi bisogna rivolgersi se il farmaco non arriva in farmacia?
        C'è un gruppo di genitori vicino a {city}? Mi sento un po' pers{a:o|a}.
        Qualcuno ha un fac-simile di lettera per chiedere il sostegno a scuola?
        Come spiegate la Dravet alle nuove maestre?
        Sapete consigliarmi un posto al mare adatto a famiglie come la nostra?
        Dove si trova il modulo per l'assegno di cura?
    """),
    "medical": _l("""
        Si sa qualcosa della decisione dell'AIFA {sul_drug}?
        Qualcuno partecipa allo studio {sul_drug}? Come vi trovate?
        La sonnolenza può essere un effetto collaterale {del_drug}? Chiedo prima della visita.
        Ci sono studi aperti per bambini con sindrome di Dravet in questo momento?
        Qualcuno è passato {dal_drug} {al_drug2}? Com'è andata?
    """),
    "experiential": _l("""
        Qualcun altro si sente completamente svuotat{a:o|a} dopo le visite?
        È normale sentirsi ancora arrabbiati anni dopo la diagnosi?
        Come avete affrontato il primo anno?
        Anche voi d'estate vivete nel terrore del caldo?
    """),
}

ORG_ANSWERS = {
    "practical": _l("""
        Grazie della domanda! La nostra scheda {sul_benefit} spiega tutto, e lo sportello vi aiuta con la domanda.
        Bella domanda. Le famiglie che sentiamo stanno aspettando dai {small} ai {small2} mesi.
        Vi consigliamo di chiedere una relazione al vostro neurologo: spesso accelera i tempi.
        Il nostro servizio di supporto alle famiglie può aiutarvi. Scriveteci in privato e vi richiamiamo.
        A {city} c'è un gruppo di genitori che si incontra una volta al mese: vi mandiamo i contatti.
        Sì! Il fac-simile è nella sezione risorse del nostro sito.
        Ci dispiace. Provate prima con la farmacia ospedaliera e fateci sapere se entro {weekday} non si risolve.
    """),
    "medical": _l("""
        Non ancora: la commissione si riunisce di nuovo {a_month} e vi aggiorneremo appena possibile.
        Lo studio sta reclutando in {small} centri; l'elenco completo è sul registro degli studi clinici.
        È una domanda da fare al vostro neurologo, che conosce la vostra storia. Il foglietto illustrativo elenca gli effetti noti.
        Al momento ci sono {small} studi aperti in Italia; la nostra pagina sulla ricerca è sempre aggiornata.
    """),
    "other": _l("""
        Grazie di cuore per averlo condiviso con noi.
        Che bello! Grazie di far parte della nostra comunità.
        Siamo contenti che vi sia stato utile. Restiamo in contatto!
        Grazie, è davvero gentile da parte vostra.
        Che bello sentirlo. Grazie per avercelo detto.
        Siamo sempre qui se avete bisogno.
        Grazie per le belle parole, per tutto lo staff significano tanto.
    """),
}

FOLLOW_UPS = {
    "other": _l("""
        Grazie mille, utilissimo!
        Perfetto, grazie per la risposta veloce.
        Grazie, li chiamo {weekday}.
        Proprio quello che mi serviva, grazie.
        Grazie! Vi faccio sapere.
        Che bella notizia, grazie.
    """),
    "experiential": _l("""
        Grazie. Noi aspettiamo già da {months} mesi, almeno so che non siamo gli unici.
        Ha senso. Il neurologo non ce l'aveva mai detto, lo chiederò alla prossima visita.
        Grazie. Sinceramente mi sentivo molto sol{a:o|a} con questa cosa.
    """),
    "practical": _l("""
        Trovato, grazie. Per chi legge: è nella sezione risorse del sito.
        Grazie! Chiederò anche la relazione al neurologo.
    """),
}

PEER_REPLIES = {
    "other": _l("""
        Vi mando un abbraccio forte.
        Vi penso tanto oggi.
        Forza, ce la fate.
        Questo post mi ha fatto sorridere.
        Un abbraccio da {city}.
        Che orgoglio!
        Incrocio le dita per voi.
        Bellissima notizia!
        Il miglior aggiornamento della giornata.
        Tifo per voi, sempre.
        Anche per noi è così, credimi.
        Se hai bisogno di parlare, ci sono.
        Vi auguro una settimana più tranquilla.
        Lacrime di gioia a leggere questo.
        Questa comunità è la migliore.
        Prenditi cura anche di te.
        State facendo un lavoro enorme.
        Un abbraccio grande a tutti voi.
        Che bella notizia.
    """),
    "experiential": _l("""
        Anche noi. Ho sentito parlare di Dravet per la prima volta in pronto soccorso.
        Il primo anno mi sentivo esattamente così. Poi, piano piano, va meglio.
        Anche per noi le prime {weeks} settimane di terapia sono state le più dure.
        Ricordo benissimo quella sensazione. Anch'io ho pianto in macchina.
        Anch'io ho aspettato {months} mesi per il {equipment}, ti capisco.
    """),
    "mediated_experiential": _l("""
        Nostr{c:o|a} figli{c:o|a} è passat{c:o|a} dalla stessa cosa a {age} anni. Ora sta molto meglio.
        Sembra di leggere la storia di {child}. Anche {c:lui|lei} odiava l'EEG.
        Anche {child} aveva lo stesso problema a scuola finché non abbiamo ottenuto {benefit}.
    """),
    "practical": _l("""
        Chiedi una relazione al neurologo, a noi ha aiutato tantissimo.
        Prova a chiedere il {equipment} all'ASL, noi abbiamo aspettato circa {weeks} settimane.
        Scrivi tutto prima della visita, a me aiuta sempre.
        Chiama lo sportello di {org_short}, con la domanda per {benefit} sono stati bravissimi.
    """),
}

CALL_FOR_STORIES = _l("""
    Per la Giornata delle Malattie Rare vogliamo sentire voi: cosa vorreste che tutti sapessero della sindrome di Dravet?
    Stiamo raccogliendo le vostre storie per la nostra campagna. Rispondete con la vostra, grande o piccola.
    Raccontateci una piccola vittoria di questa settimana: ne condivideremo alcune.
    Cosa vi ha aiutato di più nel primo anno dopo la diagnosi? Le vostre risposte entreranno nella nuova guida.
    Fratelli e sorelle, com'è crescere con qualcuno che ha la sindrome di Dravet? Raccontatecelo.
    Com'è cambiata la vita di tutti i giorni da quando avete iniziato {drug}? Raccontatecelo.
""")

AMPLIFY_COMMENTS = {
    "other": _l("""
        Grazie per averlo condiviso. Tante famiglie si riconosceranno in queste parole.
        È per questo che facciamo quello che facciamo. Grazie per la vostra storia.
        Siamo orgogliosi di questa comunità. Grazie per la sincerità.
        Grazie per averci permesso di condividere la vostra storia.
    """),
    "advocacy": _l("""
        Una storia potentissima. Leggetela e condividetela.
        Ecco cos'è la Giornata delle Malattie Rare. Condividete perché più persone conoscano la Dravet.
        Storie come questa cambiano il modo di pensare. Fatela leggere a chi non conosce la Dravet.
    """),
}

REPLY_OPENERS = {
    "experiential": _l("""
        Anche per me è così.
        Ti capisco benissimo.
        Quanto mi ci ritrovo.
        Sinceramente, uguale.
        Non siete soli.
    """),
    "mediated_experiential": _l("""
        Potrebbe essere casa nostra.
        Uguale da noi.
        Vi leggo con le lacrime agli occhi.
        Anche per noi è andata così.
    """),
    "practical": _l("""
        Una cosa che ci ha aiutato:
        Un consiglio da parte nostra:
        Per quel che vale:
        Avete provato così?
    """),
    "medical": _l("""
        Da sapere:
        Da quello che ho letto:
        Anche il nostro neurologo lo dice:
    """),
}

QUESTION_CONTEXT = _l("""
    Grazie in anticipo, questo gruppo è preziosissimo.
    Scusate se è già stato chiesto.
    Ogni esperienza è benvenuta, bella o brutta.
    Il centro è bravissimo, ma tra una visita e l'altra passano mesi.
    Cerco di organizzarmi prima del prossimo controllo.
""")

QUESTION_OPENERS = _l("""
    Domanda veloce per il gruppo.
    Spero che qualcuno possa aiutarmi.
    Domanda un po' a caso.
    Vi chiedo un consiglio.
""")

MENTION_LINES = _l("""
    {mention} è quello di cui ti parlavo.
    {mention} forse ne sa di più.
    cc {mention}
    {mention} ho pensato a te leggendo questo.
    {mention} dicevi la stessa cosa la settimana scorsa!
    Taggo {mention}, che ha vissuto la stessa cosa.
""")

EMAIL_LINES = _l("""
    Se vi va di parlarne, scrivetemi a {email}.
    Se qualcuno vuole confrontarsi, la mia mail è {email}.
    I messaggi privati non mi funzionano, scrivetemi a {email}.
""")

PHONE_LINES = _l("""
    Se volete, mandatemi un messaggio al {phone}.
    Chiamatemi pure la sera al {phone}.
    Il mio numero è {phone}, se avete bisogno di parlare.
""")

ORG_CONTACT_LINES = _l("""
    Domande? Scriveteci a {org_email} o chiamate lo sportello al {org_phone}.
    Lo sportello risponde dal lunedì al venerdì, dalle 9 alle 17, al {org_phone}.
    Potete scrivere allo staff a {org_email}.
""")

LINK_LEADS = {
    "medical": _l("""
        Lo studio completo:
        Tutti i dettagli:
        La sintesi in parole semplici:
        Per approfondire:
        La scheda dello studio:
    """),
    "practical": _l("""
        La guida:
        Qui i dettagli:
        La scheda:
    """),
    "advocacy": _l("""
        Iscrizioni qui:
        Per donare:
        Firma qui:
        Scopri di più:
        Guarda il video:
    """),
    "other": _l("""
        Date un'occhiata:
        Bellissimo articolo:
    """),
}

DETAILS = {
    "experiential": _l("""
        Il neurologo però è stato gentilissimo.
        Comunque, un passo alla volta.
        Ci sono giornate così.
        Non mi lamento, lo dico e basta.
        Domani è un altro giorno.
        Dopo {years} anni ancora mi prende alla sprovvista.
        Capita anche a voi?
        Sono l'unic{a:o|a}?
        Sinceramente, è tanto.
        Solo il parcheggio dell'ospedale costa una fortuna.
        Per fortuna ho accanto persone splendide.
        Scriverlo mi aiuta.
    """),
    "mediated_experiential": _l("""
        È la persona più forte che conosco.
        Siamo orgogliosissimi di {c:lui|lei}.
        Affronta tutto con un sorriso.
        Ci stupisce ogni giorno.
        Il personale {del_hospital} è stato bravissimo.
        Un giorno alla volta.
    """),
    "medical": _l("""
        Come sempre, parlatene con il vostro neurologo prima di cambiare qualsiasi cosa.
        I risultati sono preliminari e i numeri sono piccoli.
        Grazie alle {small}0 famiglie che hanno partecipato.
        Presto condivideremo una sintesi in parole semplici.
        Domande? Portatele alla prossima visita.
    """),
    "practical": _l("""
        Salvatelo per dopo.
        Ci abbiamo messo {months} mesi a scoprirlo.
        Scriveteci pure in privato.
        Passate parola.
        Speriamo possa servire a qualcuno.
    """),
    "advocacy": _l("""
        Condividete il più possibile.
        Anche {small_money} fanno la differenza.
        Taggate chi vorrebbe partecipare.
        Grazie per il vostro sostegno.
        Insieme facciamo più rumore.
    """),
    "other": _l("""
        Buona giornata a tutti.
        Un abbraccio.
        Torno al mio caffè.
    """),
}

REDDIT_TITLES: dict[str, list[str]] = {}

ORG_STORY_DETAILS = _l("""
    Grazie {ad_member} e alla sua famiglia per averci permesso di condividerla.
    La storia completa è sul nostro sito.
    Storie come questa sono il motivo per cui esistiamo.
    Avete una storia da raccontare? Scriveteci.
    Grazie a ogni famiglia che sceglie di raccontarsi.
""")

REDDIT_ORG_TITLES: dict[str, list[str]] = {}

FACEBOOK_SIGNOFFS = _l("""
    Con affetto, da tutti noi di {org_short} 💜
    Grazie di far parte della nostra comunità.
    Mettete mi piace e condividete per raggiungere più famiglie.
    Domande? Scriveteci in privato e vi risponderemo.
""")

DISEASE_LINES = {
    "dravet": {
        "experiential": _l("""
            Il midazolam è sempre nella mia borsa, accanto alle chiavi di casa.
            Ho imparato a fare la manovra di sicurezza prima ancora di imparare il nome della sindrome.
            Ogni estate conto i giorni sopra i trenta gradi.
            Ho smesso di guardare le foto degli altri bambini della sua età. Per ora mi fa bene così.
        """),
        "mediated_experiential": _l("""
            {child} ha fatto un mese senza crisi lunghe. Un mese! Non ci sembra vero.
            {child} ha detto la sua prima frase di tre parole a {age} anni. Abbiamo pianto tutti.
            {child} ha imparato a dire "aiuto" quando sente arrivare una crisi.
            La logopedista dice che {child} sta facendo progressi bellissimi.
        """),
        "practical": _l("""
            Il piano di emergenza firmato va lasciato anche ai nonni e alla scuola, non solo nella borsa.
            Per il caldo: ventilatore in camera e bagnetto tiepido prima di dormire.
        """),
    },
}

COMMON = {
    "weekday": _l("lunedì martedì mercoledì giovedì venerdì sabato domenica".replace(" ", "\n")),
    "month": [
        {"": "gennaio", "a": "a gennaio"}, {"": "febbraio", "a": "a febbraio"},
        {"": "marzo", "a": "a marzo"}, {"": "aprile", "a": "ad aprile"},
        {"": "maggio", "a": "a maggio"}, {"": "giugno", "a": "a giugno"},
        {"": "luglio", "a": "a luglio"}, {"": "agosto", "a": "ad agosto"},
        {"": "settembre", "a": "a settembre"}, {"": "ottobre", "a": "a ottobre"},
        {"": "novembre", "a": "a novembre"}, {"": "dicembre", "a": "a dicembre"},
    ],
    "journal": _l("""
        Epilepsia
        Neurology
        The Lancet Neurology
        Brain
        Developmental Medicine & Child Neurology
        Epilepsy & Behavior
    """),
    "phase": _l("""
        fase 3
        fase 2
        fase 1/2
    """),
    "activity": _l("""
        l'ippoterapia
        il nuoto
        la musicoterapia
        il teatro
        l'arrampicata adattata
        il corso di pittura
    """),
    "event": _l("""
        cena di beneficenza
        corsa solidale
        lotteria
        festa d'estate
        camminata
        asta benefica
    """),
    "event_short": _l("""
        mezza maratona
        10 km
        camminata notturna
        pedalata
    """),
    "research_topic": [
        {"sul": "sui disturbi del sonno"},
        {"sul": "sulla qualità della vita delle famiglie"},
        {"sul": "sul comportamento e l'autismo nella Dravet"},
        {"sul": "sulla diagnosi precoce"},
        {"sul": "sul passaggio all'età adulta"},
        {"sul": "sulla SUDEP"},
    ],
    "partner_rel": _l("""
        mio marito
        mia moglie
        il mio compagno
        la mia compagna
    """),
}

VOCAB = {
    "dravet": {
        "disease": ["sindrome di Dravet", "Dravet"],
        "drug": [
            {"": "la fenfluramina", "del": "della fenfluramina", "sul": "sulla fenfluramina",
             "dal": "dalla fenfluramina", "al": "alla fenfluramina"},
            {"": "lo stiripentolo", "del": "dello stiripentolo", "sul": "sullo stiripentolo",
             "dal": "dallo stiripentolo", "al": "allo stiripentolo"},
            {"": "il cannabidiolo", "del": "del cannabidiolo", "sul": "sul cannabidiolo",
             "dal": "dal cannabidiolo", "al": "al cannabidiolo"},
            {"": "il clobazam", "del": "del clobazam", "sul": "sul clobazam",
             "dal": "dal clobazam", "al": "al clobazam"},
            {"": "il valproato", "del": "del valproato", "sul": "sul valproato",
             "dal": "dal valproato", "al": "al valproato"},
        ],
        "symptom": ["crisi ravvicinate", "crisi notturne", "notti agitate", "problemi di equilibrio",
                    "scatti di rabbia", "mioclonie", "assenze continue", "disturbi del sonno"],
        "hospital": [
            {"": "il centro epilessia di {city}", "del": "del centro epilessia di {city}",
             "al": "al centro epilessia di {city}", "dal": "dal centro epilessia di {city}"},
            {"": "l'ospedale pediatrico di {city}", "del": "dell'ospedale pediatrico di {city}",
             "al": "all'ospedale pediatrico di {city}", "dal": "dall'ospedale pediatrico di {city}"},
            {"": "la neurologia pediatrica di {city}", "del": "della neurologia pediatrica di {city}",
             "al": "alla neurologia pediatrica di {city}", "dal": "dalla neurologia pediatrica di {city}"},
            {"": "il Policlinico di {city}", "del": "del Policlinico di {city}",
             "al": "al Policlinico di {city}", "dal": "dal Policlinico di {city}"},
        ],
        "equipment": ["sensore anti-crisi per il letto", "saturimetro", "caschetto protettivo",
                      "passeggino posturale", "monitor notturno con videocamera", "kit di emergenza"],
        "benefit": [
            {"": "l'indennità di accompagnamento", "sul": "sull'indennità di accompagnamento"},
            {"": "la 104 con connotazione di gravità", "sul": "sulla 104 con connotazione di gravità"},
            {"": "l'invalidità civile", "sul": "sull'invalidità civile"},
            {"": "il contrassegno per il parcheggio", "sul": "sul contrassegno per il parcheggio"},
            {"": "l'insegnante di sostegno", "sul": "sull'insegnante di sostegno"},
            {"": "l'assegno di cura", "sul": "sull'assegno di cura"},
        ],
        "test": [
            {"": "il test genetico", "del": "del test genetico"},
            {"": "l'EEG", "del": "dell'EEG"},
            {"": "la risonanza magnetica", "del": "della risonanza magnetica"},
            {"": "l'analisi di SCN1A", "del": "dell'analisi di SCN1A"},
        ],
        "conference": [
            {"": "il congresso europeo di epilettologia", "al": "al congresso europeo di epilettologia"},
            {"": "il congresso nazionale di neurologia pediatrica",
             "al": "al congresso nazionale di neurologia pediatrica"},
            {"": "il convegno internazionale sulla Dravet", "al": "al convegno internazionale sulla Dravet"},
        ],
        "city": ["Milano", "Roma", "Napoli", "Firenze", "Bologna", "Genova", "Torino", "Padova", "Bari",
                 "Palermo", "Verona", "Pisa", "Catania", "Trieste", "Cagliari", "Perugia", "Lecce"],
        "distance": ["{small}00 chilometri", "tre ore di macchina", "mezza giornata di viaggio"],
    },
}

HASHTAGS = {
    "dravet": ["Dravet", "sindromediDravet", "malattierare", "epilessia", "DravetSyndrome", "SCN1A"],
}
EVENT_HASHTAGS = {
    "rdd": ["RareDiseaseDay", "giornatamalattierare", "malattierare"],
    "dravet": ["DravetDay", "DravetSyndromeDay"],
    "epilepsy": ["GiornataEpilessia", "EpilepsyDay"],
}

EMOJI = {
    "experiential": ["💜", "💪", "😔", "🙏", "❤️", "😴", "🥲", "✨"],
    "mediated_experiential": ["💜", "🥰", "💪", "🎉", "❤️", "🌈", "⭐"],
    "medical": ["🔬", "📄", "💊", "🧬"],
    "practical": ["💡", "📝", "👉", "📌"],
    "advocacy": ["🎗️", "🏃‍♀️", "💜", "🎉", "📣", "🦓"],
    "other": ["😊", "🙏", "💐", "☕", "🌞", "💜"],
}
