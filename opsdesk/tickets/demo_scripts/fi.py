"""The demo's conversations in Finnish (opsdesk/tickets/demo_scripts/__init__.py explains the placeholders)."""

from opsdesk.tickets.demo_scripts import Long, Script, Topic

SCRIPT = Script(
    greetings=("Hei {name},", "Hei {name}!", "Moi {name},"),
    signoffs=(
        "Ystävällisin terveisin\n{agent}",
        "Terveisin\n{agent}\nAsiakaspalvelu",
        "Mukavaa päivänjatkoa!\n{agent}",
    ),
    amounts=("24,90 €", "39,00 €", "57,45 €", "12,99 €", "89,00 €", "149,50 €"),
    files={
        "photo": "vaurioitunut-paketti.png",
        "statement": "tiliote.png",
        "invoice": "lasku.pdf",
        "screenshot": "virheilmoitus.png",
        "log": "sovellusloki.txt",
    },
    duplicate=(
        "Lähetin tästä eilen sähköpostia, mutta en ole saanut vastausta, joten kirjoitan uudelleen:",
        "Lähetän tämän toiseen kertaan siltä varalta, että ensimmäinen viestini katosi.",
    ),
    topics={
        "where_is_order": Topic(
            subjects=("Missä tilaukseni {order} on?", "Tilauksen {order} paketti ei ole tullut"),
            openings=(
                "Hei, tilasin kaksi viikkoa sitten (tilaus {order}), eikä seurantasivu ole päivittynyt viiteen "
                "päivään. Voisitteko tarkistaa, missä paketti on?",
                'Hei, tilaukseni {order} piti tulla maanantaina, mutta seurannassa lukee yhä "kuljetuksessa". '
                "Onko paketti kadonnut?",
            ),
            quick=(
                "Tarkistin asian kuljetusyhtiöltä: pakettisi saapui eilen iltapäivällä noutopisteeseen K-Market "
                "Kalliossa, mutta skannaus ei päivittynyt seurantasivulle. Paketti odottaa sinua siellä 14 päivää. "
                "Ota mukaan seurantakoodi {tracking} ja henkilöllisyystodistus.",
            ),
            threads=(
                (
                    "Kuljetusyhtiön tietojen mukaan paketti toimitettiin tiistaina klo 14.12 ja jätettiin "
                    "naapurillesi (asunto 12), koska kukaan ei avannut ovea. Voisitko kysyä, onko se heillä?",
                    "Löytyi! Naapurilla se oli koko ajan, eikä hän muistanut jättää lappua. Anteeksi vaiva.",
                    "Ei vaivaa lainkaan, hienoa että paketti löytyi. Mukavia hetkiä tilauksesi parissa!",
                ),
                (
                    "Pahoittelen: pakettia ei ole skannattu lajittelukeskuksen jälkeen, joten pyysin "
                    "kuljetusyhtiötä selvittämään sen sijainnin. Jos sitä ei löydy kahden arkipäivän kuluessa, "
                    "lähetämme uuden veloituksetta. Onko toimitusosoitteesi yhä sama?",
                    "On, osoite on sama. Lähettäkää vain uusi, tarvitsen sen ennen viikonloppua.",
                    "Hoidettu: korvaava paketti lähti varastostamme tänään pikatoimituksena, seurantakoodi "
                    "{tracking}. Jos ensimmäinen paketti vielä ilmaantuu, jätä se noutamatta, niin se palaa meille.",
                ),
            ),
            note="Avasin kuljetusyhtiölle selvityspyynnön tilauksesta {order} (heidän viitteensä TR-40217). "
            "Tarkistetaan torstaina; jos paketti on yhä kateissa, lähetetään korvaava odottamatta selvitystä.",
        ),
        "double_charge": Topic(
            subjects=("Tilauksesta {order} veloitettiin kahdesti", "Kaksinkertainen veloitus kortilta"),
            openings=(
                "Hei, tiliotteellani näkyy kaksi samanlaista {amount}:n veloitusta tilauksesta {order}. "
                "Palauttakaa ylimääräinen maksu. Liitteenä kuvakaappaus tiliotteesta.",
                "Hei, maksoin tilauksen {order}, ja maksusivu jumittui, joten painoin Maksa-painiketta "
                "uudelleen. Nyt kortilta on veloitettu {amount} kahdesti (kuvakaappaus liitteenä). Voitteko "
                "palauttaa toisen?",
            ),
            quick=(
                "Kiitos kuvakaappauksesta. Meille asti tuli vain toinen maksuista: toinen rivi on pankkisi "
                "tekemä katevaraus sivun jumittuessa, ja se vapautuu itsestään 3–5 arkipäivässä. Sinun ei "
                "tarvitse tehdä mitään, eikä sinulta ole veloitettu kahdesti.",
            ),
            threads=(
                (
                    "Näen meidän päässämme molemmat {amount}:n maksut, joten toinen on todellinen tuplaveloitus. "
                    "Jotta palautus menee oikealle kortille, voisitko vahvistaa kortin neljä viimeistä numeroa?",
                    "Toki, se on Visa, joka päättyy numeroihin 4821.",
                    "Kiitos. Palautin tänään {amount} kortille, joka päättyy numeroihin 4821. Pankista riippuen "
                    "summa näkyy tiliotteellasi 3–5 arkipäivän kuluessa.",
                ),
                (
                    "Meillä näkyy tilauksesta {order} vain yksi maksu. Toinen rivi on todennäköisesti pankkisi "
                    "katevaraus. Voisitko katsoa parin kolmen päivän päästä, onko se poistunut?",
                    "Olitte oikeassa, toinen veloitus on tänään kadonnut tiliotteelta. Kiitos!",
                    "Hienoa, kiitos tiedosta. Suljen tiketin, mutta vastaa tähän viestiin, jos jotain muuta ilmenee.",
                ),
            ),
            note="Maksunvälittäjällä näkyy tilauksesta {order} kaksi veloitusta. Toisen palautus käynnistetty; "
            "tilausta ei tarvitse perua.",
        ),
        "wrong_size": Topic(
            subjects=("Väärä koko toimitettiin", "Tilauksen {order} takki on väärää kokoa"),
            openings=(
                "Tilauksen {order} takki tuli kokoa M, vaikka tilasin L. Miten voin vaihtaa sen?",
                "Hei, sain paketin tänään, mutta takki on kokoa M, vaikka tilausvahvistuksessa lukee L. Voinko "
                "vaihtaa sen? En ole käyttänyt sitä.",
            ),
            quick=(
                "Pahoittelen sekaannusta. Lähetin sähköpostiisi maksuttoman palautuslipukkeen ja varasin sinulle "
                "L-koon takin. Se lähtee heti, kun kuljetusyhtiö skannaa palautuksesi, joten sinun ei tarvitse "
                "odottaa, että paketti ehtii varastollemme.",
            ),
            threads=(
                (
                    "Pahoittelen, varastossa oli poimittu väärä koko. L-kokoa on varastossa. Haluatko vaihtaa "
                    "takin, vai palautetaanko rahat?",
                    "Vaihto, kiitos. Takki on tosi kiva.",
                    "Hoidettu: maksuton palautuslipuke on sähköpostissasi, ja L-koko lähtee varastosta heti, kun "
                    "palautus on skannattu. Sen seurantakoodi on {tracking}.",
                ),
                (
                    "Pahoittelen virhettä. L-koko on juuri nyt loppu tästä väristä, mutta sitä tulee ensi viikolla "
                    "lisää. Haluatko odottaa sitä, vai käykö tummansininen L, jota on varastossa?",
                    "Tummansininen käy hyvin.",
                    "Hyvä valinta! Tummansininen L lähtee tänään, seurantakoodi {tracking}. Palauta M-koko "
                    "sähköpostiin lähettämälläni palautuslipukkeella; se ei maksa sinulle mitään.",
                ),
            ),
            note="Keräilyvirhe varastossa: jo toinen väärä koko erästä W-17 tällä viikolla. Ilmoitettu "
            "varastovastaavalle.",
        ),
        "login": Topic(
            subjects=("En pääse kirjautumaan tililleni", "Salasanan vaihto ei toimi"),
            openings=(
                "Vaihdoin salasanan kahdesti, mutta kirjautumissivu sanoo yhä, että salasana on väärä. Voitteko "
                "auttaa?",
                'Hei, saan joka kerta ilmoituksen "väärä sähköposti tai salasana", vaikka asetin juuri uuden '
                "salasanan palautuslinkillä. Mitä teen väärin?",
            ),
            quick=(
                "Tilisi oli lukittunut liian monen yrityksen jälkeen, ja siksi uusikin salasana hylättiin. Avasin "
                "lukituksen nyt. Kirjaudu vielä kerran viimeksi asettamallasi salasanalla; jos selain täyttää "
                "vanhan salasanan automaattisesti, kirjoita se käsin.",
            ),
            threads=(
                (
                    "Nimelläsi on kaksi tiliä, toinen henkilökohtaisella ja toinen työsähköpostiosoitteella. "
                    "Kummalla osoitteella kirjaudut?",
                    "Työosoitteella. En edes tiennyt, että minulla on toinen tili!",
                    "Se selittää asian: palautuslinkit menivät henkilökohtaiseen osoitteeseesi. Lähetin uuden "
                    "linkin työosoitteeseesi; se on voimassa tunnin. Voin halutessasi myös yhdistää tilit.",
                ),
                (
                    "Kirjaudutko mobiilisovelluksessa vai selaimessa? Sovelluksen versiossa 4.1 oli vika, joka "
                    "hylkäsi uudet salasanat.",
                    "Sovelluksessa, iPhonella.",
                    "Silloin päivitys korjaa asian: versio 4.2 on App Storessa. Siihen asti verkkosivuillamme voi "
                    "kirjautua uudella salasanalla.",
                ),
            ),
            note="Tili lukittui kirjautumisrajoituksen takia (12 epäonnistunutta yritystä 5 minuutissa). Ei "
            "merkkejä ulkopuolisista yrityksistä; lukitus avattu.",
        ),
        "invoice": Topic(
            subjects=("Lasku kirjanpitoa varten", "Lasku tilauksesta {order} Y-tunnuksella"),
            openings=(
                "Voisitteko lähettää tilauksesta {order} laskun, jossa on Y-tunnuksemme? Kirjanpito tarvitsee "
                "sen perjantaihin mennessä.",
                "Hei, tilauksen {order} kuitissa ei näy yrityksemme tietoja. Kirjanpitäjämme tarvitsee kunnollisen "
                "laskun. Voitteko tehdä sellaisen?",
            ),
            quick=(
                "Liitteenä on lasku tilauksesta {order} yrityksenne nimellä ja Y-tunnuksella PDF-tiedostona. "
                "Kopio löytyy myös tililtäsi kohdasta Tilaukset.",
            ),
            threads=(
                (
                    "Totta kai. Lähettäisitkö yrityksen virallisen nimen, laskutusosoitteen ja Y-tunnuksen, jotta "
                    "lasku on kerralla oikein?",
                    "Kalevala Design Oy, Mannerheimintie 12 B, 00100 Helsinki, Y-tunnus 1234567-8.",
                    "Kiitos. Lasku tilauksesta {order} on liitteenä yrityksenne tiedoilla ja Y-tunnuksella. "
                    "Tallensin tiedot myös tilillenne tulevia tilauksia varten.",
                ),
            ),
            note="Asiakas pyysi laskua Y-tunnuksella. Muistakaa tallentaa laskutustiedot tilille, ettei sama "
            "pyyntö tule joka kuukausi.",
        ),
        "damaged": Topic(
            subjects=("Rikkoutunut tuote", "Valaisin tuli rikki"),
            openings=(
                "Tilauksen {order} valaisimen varjostin oli haljennut. Liitin kuvan pakkauksesta.",
                "Hei, valaisimeni (tilaus {order}) tuli tänään, ja lasivarjostin on rikki. Laatikko oli jo "
                "valmiiksi lommolla, katso kuva.",
            ),
            quick=(
                "Kiitos kuvasta, ja pahoittelen, että tuote tuli rikkinäisenä. Uusi valaisin on tulossa "
                "veloituksetta, seurantakoodi {tracking}. Rikkinäistä ei tarvitse palauttaa, voit kierrättää sen.",
            ),
            threads=(
                (
                    "Kiitos kuvasta, siitä näkee selvästi kuljetusvaurion. Haluatko uuden tilalle vai rahat "
                    "takaisin ({amount})?",
                    "Uuden, kiitos. Voisitteko pakata sen vähän paremmin tällä kertaa?",
                    "Ilman muuta: uusi valaisin lähtee huomenna kaksinkertaisessa pakkauksessa, seurantakoodi "
                    "{tracking}. Tein myös vahinkoilmoituksen kuljetusyhtiölle, joten sinun ei tarvitse tehdä muuta.",
                ),
                (
                    "Pahoittelen. Onko vain varjostin rikki, vai myös valaisimen jalka? Jos jalka toimii, voimme "
                    "lähettää pelkän uuden varjostimen, mikä on nopeampaa.",
                    "Vain varjostin, itse valaisin toimii hyvin.",
                    "Uusi varjostin on sitten matkalla, seurantakoodi {tracking}. Sen pitäisi olla perillä kahden "
                    "tai kolmen arkipäivän kuluessa.",
                ),
            ),
            note="Jo kolmas rikkinäinen valaisin samalta kuljetusyhtiöltä tässä kuussa. Vahinkoilmoitus tehty; "
            "kannattaa pyytää varastoa käyttämään lasivarjostimille paksumpia laatikoita.",
        ),
        "cancel_subscription": Topic(
            subjects=("Tilauksen peruutus", "Kuukausitilauksen lopettaminen"),
            openings=(
                "Peruuttakaa kuukausitilaukseni seuraavasta laskutuspäivästä alkaen ja vahvistakaa sähköpostilla.",
                "Hei, muutan ulkomaille ja haluaisin lopettaa kestotilaukseni. Miten sen voi perua?",
            ),
            quick=(
                "Tilauksesi on peruttu. Sinua ei enää veloiteta, ja voit käyttää palvelua maksetun jakson loppuun. "
                "Vahvistus on sähköpostissasi.",
            ),
            threads=(
                (
                    "Voin hoitaa sen puolestasi. Ennen sitä: voit myös keskeyttää tilauksen enintään kolmeksi "
                    "kuukaudeksi, jolloin nykyinen hintasi säilyy. Keskeytetäänkö vai perutaanko kokonaan?",
                    "Perutaan kokonaan, kiitos. En tarvitse sitä enää.",
                    "Hoidettu: tilaus päättyy seuraavana laskutuspäivänä, ja vahvistus on matkalla "
                    "sähköpostiisi. Kiitos, että olit asiakkaanamme!",
                ),
            ),
            note="Tarjottu kolmen kuukauden taukoa, asiakas kieltäytyi. Peruttu jakson lopusta.",
        ),
        "discount_code": Topic(
            subjects=("Alennuskoodi ei toimi", "Koodi TALVI20 ei kelpaa kassalla"),
            openings=(
                "Koodi TALVI20 hylätään kassalla, vaikka uutiskirjeen mukaan se on voimassa kuun loppuun.",
                'Hei, yritän käyttää uutiskirjeen 20 %:n alennuskoodia, mutta kassa sanoo "koodi ei kelpaa". '
                "Onko se vanhentunut?",
            ),
            quick=(
                "Koodi on voimassa, mutta se ei koske jo valmiiksi alennettuja tuotteita, ja kaikki ostoskorisi "
                "tuotteet olivat alennuksessa. Kiitokseksi kärsivällisyydestä tässä 10 %:n koodi, joka käy myös "
                "alennustuotteisiin: ANTEEKSI10.",
            ),
            threads=(
                (
                    "Pahoittelen. Mitä tuotteita ostoskorissasi on? Koodi ei koske alennustuotteita eikä "
                    "lahjakortteja.",
                    "Talvisaappaat ja villahuivi.",
                    "Siinä se: saappaat olivat jo alennuksessa. Laskin 20 %:n alennuksen huivista tilaukseesi "
                    "{order} ja palautin erotuksen, {amount}, kortillesi.",
                ),
                (
                    "Koodi edellyttää vähintään 50 euron ostoksia ennen toimitusmaksua. Jäikö ostoskorisi sen alle?",
                    "Ai, se oli 46 euroa. En huomannut sitä uutiskirjeessä.",
                    "Se on pienellä präntättynä, helppo ohittaa. Tein sinulle kertakäyttöisen koodin ilman "
                    "alarajaa: TALVI20-{order}. Se on voimassa seitsemän päivää.",
                ),
            ),
            note="Uutiskirjeessä ei mainittu 50 euron alarajaa. Tällä viikolla useita tikettejä samasta; "
            "ilmoitettu markkinointiin.",
        ),
        "broken_device": Topic(
            subjects=("Kahvinkeitin näyttää virhettä E04", "Kuulokkeet eivät lataudu"),
            openings=(
                "Tilauksen {order} kahvikone näyttää virhettä E04 ja pysähtyy muutaman sekunnin jälkeen. Kone on "
                "ollut minulla vasta kuukauden.",
                "Ostamani langattomat kuulokkeet (tilaus {order}) eivät enää lataudu. Merkkivalo ei syty, kun "
                "kytken laturin.",
            ),
            quick=(
                "Tämä virhe tarkoittaa lähes aina, että vesisäiliö ei ole kunnolla paikallaan, jolloin kone luulee "
                "sen olevan tyhjä. Irrota säiliö, tarkista, että sen alla oleva pieni venttiili on puhdas, ja "
                "paina säiliö takaisin, kunnes se napsahtaa. Virheen pitäisi poistua heti.",
            ),
            threads=(
                (
                    "Kokeillaan ensin nollausta: pidä virtapainiketta pohjassa 15 sekuntia, päästä irti ja kytke "
                    "laite lataukseen toisella johdolla ja laturilla, jos sellainen löytyy. Muuttuuko mikään?",
                    "Kokeilin kahdella eri laturilla ja nollauksella. Ei mitään.",
                    "Kiitos, että kokeilit. Vika kuuluu takuun piiriin: lähetin sähköpostiisi maksuttoman "
                    "palautuslipukkeen, ja lähetämme uuden heti, kun kuljetusyhtiö skannaa pakettisi.",
                ),
                (
                    "Ikävä kuulla. Voisitko kalkinpoistaa koneen kerran (ohjelma on käyttöohjeen sivulla 12) ja "
                    "kertoa, palaako virhe?",
                    "Kalkinpoistin sen kahdesti. Virhe palasi kahden kupin jälkeen.",
                    "Silloin vika on pumpussa, ja se kuuluu takuuseen. Kuriiri noutaa koneen torstaina, ja uusi "
                    "on jo matkalla sinulle, seurantakoodi {tracking}.",
                ),
            ),
            note="Takuutapaus: korvaava laite hyväksytty ilman tarkastusta (alle 3 kk vanha). Viallinen laite "
            "toimittajalle analysoitavaksi.",
        ),
        "change_address": Topic(
            subjects=("Toimitusosoitteen muutos tilaukseen {order}", "Väärä osoite tilauksessani"),
            openings=(
                "Huomasin juuri, että tilauksessani {order} on vanha osoitteeni. Voitteko vaihtaa sen osoitteeseen "
                "Hämeenkatu 5 A 3, 33100 Tampere?",
                "Hei, voiko tilauksen {order} toimitusosoitetta vielä muuttaa? Olen ensi viikon vanhemmillani.",
            ),
            quick=(
                "Tilaustasi ei ole vielä pakattu, joten vaihdoin osoitteen. Paketti lähtee uuteen osoitteeseen "
                "huomenna aamulla.",
            ),
            threads=(
                (
                    "Paketti on jo lähtenyt varastostamme, joten osoitetta ei voi enää vaihtaa, mutta voin pyytää "
                    "kuljetusyhtiötä ohjaamaan sen lähellesi olevaan noutopisteeseen. Mikä on postinumerosi?",
                    "33100.",
                    "Hoidettu: paketti ohjataan noutopisteeseen R-kioski Hämeenkatu. Saat tekstiviestin, kun se "
                    "on noudettavissa, seurantakoodi {tracking}.",
                ),
            ),
            note="Osoite vaihdettu ennen pakkausta. Tarkista, että huomenna tulostuvassa osoitekortissa on uusi "
            "osoite.",
        ),
        "refund_status": Topic(
            subjects=("Odotan yhä hyvitystä", "Palautetun tilauksen {order} hyvitys"),
            openings=(
                "Palautin tilauksen {order} kaksi viikkoa sitten, enkä ole vieläkään saanut rahojani takaisin. "
                "Milloin hyvitys tulee?",
                "Hei, vahvistitte tilauksen {order} palautuksen, mutta {amount}:n hyvitystä ei ole näkynyt "
                "tililläni. Voitteko tarkistaa?",
            ),
            quick=(
                "Palautuksesi saapui meille maanantaina, ja {amount}:n hyvitys maksettiin tänään. Se näkyy "
                "tiliotteellasi pankista riippuen 3–5 arkipäivän kuluessa.",
            ),
            threads=(
                (
                    "En vielä löydä palautustasi varastostamme. Lähettäisitkö seurantakoodin kuitista, jonka sait "
                    "paketin jättäessäsi?",
                    "Tässä: {tracking}.",
                    "Kiitos: paketti oli toimitettu vanhaan palautusosoitteeseemme. Se on nyt löytynyt, ja "
                    "{amount}:n hyvitys maksettiin tänään; se näkyy tiliotteellasi 3–5 arkipäivän kuluessa.",
                ),
            ),
            note="Palautus oli mennyt vanhaan palautusosoitteeseen. Pyysin varastoa hakemaan sieltä kaiken tällä "
            "viikolla.",
        ),
    },
    long=Long(
        subject="Robotti-imuri ei yhdisty sovellukseen",
        opening="Hei, ostin viime viikolla RoboClean S7 -imurin (tilaus {order}). Sovellus löytää imurin, mutta "
        'yhdistäminen kaatuu aina 80 %:n kohdalla ilmoitukseen "Laite ei voinut liittyä verkkoon". '
        "Kuvakaappaus liitteenä. Olen yrittänyt jo viisi kertaa.",
        first="Kiitos kuvakaappauksesta, siitä on apua. Käydään läpi muutama tarkistus yksi kerrallaan.",
        steps=(
            (
                "Voisitko käynnistää reitittimen uudelleen (irrota virtajohto 30 sekunniksi) ja yrittää "
                "yhdistämistä uudestaan?",
                "Käynnistin reitittimen uudelleen ja yritin taas. Pysähtyy yhä 80 %:iin.",
            ),
            (
                "Imuri toimii vain 2,4 GHz:n Wi-Fi-verkossa. Onko reitittimessäsi erilliset 2,4 ja 5 GHz:n "
                "verkot? Jos on, yhdistä puhelin yhdistämisen ajaksi 2,4 GHz:n verkkoon.",
                "Molemmilla on sama verkkonimi. Löysin asetuksen, jolla ne saa erilleen, yhdistin 2,4 GHz:n "
                "verkkoon ja yritin uudelleen. Sama virhe.",
            ),
            (
                "Varmistathan, että sovellus on ajan tasalla (versio 5.3 tai uudempi) ja että sillä on lupa "
                "käyttää sijaintia; puhelin tarvitsee sitä löytääkseen lähellä olevat laitteet.",
                "Sovellus oli jo versiossa 5.3, ja sijainti on päällä. Ei muutosta.",
            ),
            (
                "Nollataan imurin verkkoasetukset: pidä Koti- ja Spot-painikkeita yhtä aikaa pohjassa 5 "
                'sekuntia, kunnes se sanoo "Wi-Fi reset", ja yhdistä sitten uudelleen.',
                "Tein nollauksen, ääni kuului. Kaatui taas 80 %:ssa.",
            ),
            (
                "Onko puhelimessa käytössä VPN tai mainosten esto? Ne voivat estää yhdistämisen. Kytke ne "
                "hetkeksi pois.",
                "VPN oli päällä! Kytkin sen pois ja yritin uudelleen, mutta ei onnistunut.",
            ),
            (
                "Onko Wi-Fi-salasanassasi erikoismerkkejä, kuten & tai #? Osa niistä sekoittaa imurin Wi-Fi-sirun.",
                "Siinä on #. Tein vierasverkon, jonka salasanassa on vain kirjaimia ja numeroita, ja kokeilin "
                "sillä. Edelleen 80 %.",
            ),
            (
                "Voisitko viedä imurin yhdistämisen ajaksi aivan reitittimen viereen, jotta heikko signaali "
                "voidaan sulkea pois?",
                "Imuri on nyt puolen metrin päässä reitittimestä. Sama juttu.",
            ),
            (
                "Voisitko kokeilla yhdistämistä toisella puhelimella, jos jollakulla kotonasi on sellainen? Siitä "
                "selviää, onko vika puhelimessa vai imurissa.",
                "Kokeilin [[vaimoni|mieheni]] Android-puhelimella. Täsmälleen sama virhe.",
            ),
            (
                "Poista imuri sovelluksen laiteluettelosta kokonaan (Asetukset > Poista laite), sulje sovellus ja "
                "lisää imuri alusta asti uudelleen.",
                "Poistin sen, asensin jopa sovelluksen uudelleen ja lisäsin imurin taas. 80 % ja sama ilmoitus.",
            ),
            (
                "Tarkistaisitko reitittimen asetuksista, että 2,4 GHz:n verkon kanava on välillä 1–11? Kanavia 12 "
                "ja 13 ei tueta kaikissa maaversioissa.",
                "Se oli kanavalla 13! Vaihdoin kanavaksi 6. Nyt pääsi pidemmälle, 90 %:iin, mutta sitten sama virhe.",
            ),
            (
                'Onko reitittimessä asetus "Vain WPA3" tai "Protected Management Frames: pakollinen"? Jos on, '
                "vaihda se WPA2/WPA3-yhdistelmätilaan.",
                "Se oli jo WPA2/WPA3-tilassa.",
            ),
            (
                "Voisitko katsoa sovelluksesta kohdasta Laitteen tiedot, mikä laiteohjelmiston versio imurissa on?",
                "Sovelluksen mukaan laiteohjelmisto on 2.8.0.",
            ),
        ),
        note_stuck="Käytiin asiakkaan kanssa koko yhdistämisen tarkistuslista läpi (2,4 GHz, VPN, kanava, "
        "nollaus, toinen puhelin). Kaatuu yhä 80–90 %:ssa. Laiteohjelmisto 2.8.0. {colleague}, oletko nähnyt "
        "tällaista?",
        escalate="Kiitos kärsivällisyydestäsi, olet kokeillut kaiken listaltamme. Siirrän asian tekniselle "
        "tiimillemme. Voisitko lähettää heille sovelluksen lokin? Sovelluksessa: Ohje > Lähetä loki, ja tallenna "
        "tiedosto.",
        log="Tässä lokitiedosto.",
        note_expert="On: laiteohjelmisto 2.8.0 ei saa kättelyä läpi joidenkin operaattorien vuoden 2023 "
        "reititinmallien kanssa. 2.8.3 korjaa sen, ja imuri osaa päivittää itsensä puhelimen "
        "yhteyspisteen kautta. Otan tiketin.",
        handover="Otan tämän tästä eteenpäin. Loki vahvistaa kättelyvirheen (koodi 0x1F).",
        fix="Olen teknisestä tiimistä ja luin lokisi: imurissasi on laiteohjelmisto 2.8.0, jossa on tunnettu "
        "ongelma joidenkin reitittimien kanssa. Pidä Koti-painiketta pohjassa 10 sekuntia, kunnes valo muuttuu "
        "violetiksi; imuri päivittää silloin itsensä versioon 2.8.3 puhelimen yhteyspisteen kautta (sovellus "
        "opastaa). Sen jälkeen yhdistäminen onnistuu.",
        fixed="Se toimi! Päivitys meni läpi, yhdistyi ensimmäisellä yrityksellä, ja imuri siivoaa olohuonetta "
        "juuri nyt. Kiitos teille molemmille sinnikkyydestä.",
        closing="Mahtavaa, kiitos tiedosta ja kärsivällisyydestäsi. Suljen tiketin nyt; jos jotain ilmenee, "
        "vastaa vain tähän viestiin.",
    ),
)
