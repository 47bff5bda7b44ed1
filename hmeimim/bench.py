"""``hmeimim bench``: time extract and spread on a deterministic synthetic corpus.

:func:`synth_corpus` writes N articles into a folder by recombining and mutating the sentences
of the bundled seeds (``seeds/*.txt``) and the multilingual fixtures
(``tests/fixtures/multilingual/*``) when the package runs from its repository, plus built-in
sentences in all ten languages (so an installed package can benchmark too). Aircraft, counts,
dates, months and cited sources are varied with a seeded :class:`random.Random`; a few articles
are HTML pages, exact syndicated copies, or in a legacy encoding, and about 60% are listed in a
``metadata.csv``. Article ``i`` depends only on ``(seed, i)``, so a corpus of N articles is the
first N of any larger one.

:func:`run_bench` then runs the pipeline stage by stage (ingest, extract, spread) with the local
process pool or on a Dask cluster, samples the memory of the whole process tree, prints progress
lines on stderr and, as its last line on stdout, one JSON object of figures. Benchmarks print
figures; nothing here asserts a time.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     info = synth_corpus(folder, 3, seed=1)
>>> info["articles"], info["bytes"] > 0
(3, True)
"""
from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["run_bench", "synth_corpus", "sentence_pools", "MemorySampler"]

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "seeds"
FIXTURES_DIR = REPO / "tests" / "fixtures" / "multilingual"
FILES_PER_FOLDER = 1000
NOVEL_SHARE = 0.55  # chance, before each re-told sentence, of a new one (about 55% of sentences)

# Share of articles per language (roughly the coverage of the story).
LANG_WEIGHTS = {"en": 34, "ru": 16, "uk": 8, "de": 7, "fr": 7, "es": 6, "it": 5, "pt": 4, "ar": 7, "zh": 6}

# --- built-in sentences (used with the seeds/fixtures when present, alone otherwise) -------------

BUILTIN: dict[str, list[str]] = {
    "en": [
        "Russian military transports are flying into Hmeimim again after roughly half a year, Bloomberg said, citing Flightradar24 data.",
        "An Il-62M transport plane of the Russian Air Force flew from Libya to Latakia on October 26 before returning to the Moscow region.",
        "The An-124-100 Ruslan heavy-lift aircraft landed at Hmeimim three times between October 24 and October 29.",
        "According to Bloomberg, a source close to the Kremlin said the flights had restarted.",
        "Russia's Defense Ministry did not respond to a request for comment.",
        "Analysts say the flights signal that Moscow wants to keep its bases in Syria after the fall of Bashar al-Assad.",
        "On October 15 Vladimir Putin received Ahmed al-Sharaa in Moscow for talks on the bases.",
        "Flight tracking data showed at least two Russian aircraft heading to the base.",
    ],
    "ru": [
        "Россия возобновила военные полеты на авиабазу Хмеймим в Сирии, сообщает Bloomberg со ссылкой на данные Flightradar24.",
        "Самолет Ил-62М ВКС России 26 октября совершил перелет из Ливии в Латакию.",
        "Транспортный самолет Ан-124 «Руслан» трижды приземлялся на базе с 24 по 29 октября.",
        "Источник, близкий к Кремлю, подтвердил агентству возобновление полетов.",
        "В Минобороны России на запрос не ответили.",
        "По данным агентства, перерыв в полетах продолжался около шести месяцев.",
        "Ранее президент Сирии Ахмед аш-Шараа встретился с Владимиром Путиным в Москве 15 октября.",
    ],
    "uk": [
        "Росія відновила військові польоти на авіабазу Хмеймім у Сирії, пише Bloomberg з посиланням на дані Flightradar24.",
        "Літак Іл-62М 26 жовтня пролетів маршрутом Лівія – Латакія – Москва.",
        "Важкий транспортник Ан-124 «Руслан» тричі приземлявся на базі між 24 і 29 жовтня.",
        "Джерело, близьке до Кремля, нібито підтвердило відновлення польотів.",
        "У Міноборони Росії на запит не відповіли.",
    ],
    "de": [
        "Russland hat die Militärflüge zu seinem Stützpunkt Hmeimim in Syrien wieder aufgenommen, berichtete Bloomberg unter Berufung auf Flightradar24.",
        "Eine Iljuschin Il-62M flog am 26. Oktober von Libyen nach Latakia und weiter nach Moskau.",
        "Eine Antonow An-124-100 landete zwischen dem 24. und 29. Oktober dreimal in Latakia.",
        "Das russische Verteidigungsministerium reagierte nicht auf eine Anfrage.",
        "Eine Quelle aus dem Umfeld des Kremls bestätigte die Wiederaufnahme der Flüge.",
    ],
    "fr": [
        "La Russie a repris ses vols militaires vers la base de Hmeimim en Syrie, selon Bloomberg, qui cite des données de Flightradar24.",
        "Un Il-62M de l'armée de l'air russe a volé de la Libye à Lattaquié le 26 octobre.",
        "Un An-124-100 Rouslan s'est posé trois fois sur la base entre le 24 et le 29 octobre.",
        "Une source proche du Kremlin a confirmé la reprise des vols.",
        "Le ministère russe de la Défense n'a pas répondu aux questions de l'agence.",
        "Les vols avaient été suspendus pendant six mois après la chute de Bachar al-Assad.",
    ],
    "es": [
        "Rusia reanudó los vuelos militares a la base de Hmeimim en Siria, según Bloomberg, que cita datos de Flightradar24.",
        "Un Il-62M de la Fuerza Aérea rusa voló de Libia a Latakia el 26 de octubre.",
        "Un An-124-100 Ruslan aterrizó tres veces en la base entre el 24 y el 29 de octubre.",
        "Una fuente cercana al Kremlin confirmó la reanudación de los vuelos.",
        "El Ministerio de Defensa ruso no respondió a una solicitud de comentarios.",
    ],
    "it": [
        "La Russia ha ripreso i voli militari verso la base di Hmeimim in Siria, secondo Bloomberg, che cita dati di Flightradar24.",
        "Un Il-62M dell'aeronautica russa ha volato dalla Libia a Latakia il 26 ottobre.",
        "Un An-124-100 Ruslan è atterrato tre volte nella base tra il 24 e il 29 ottobre.",
        "Una fonte vicina al Cremlino ha confermato la ripresa dei voli.",
        "Il ministero della Difesa russo non ha risposto a una richiesta di commento.",
    ],
    "pt": [
        "A Rússia retomou os voos militares para a base de Hmeimim, na Síria, segundo a Bloomberg, citando dados do Flightradar24.",
        "Um Il-62M da Força Aérea russa voou da Líbia para Latakia em 26 de outubro.",
        "Um An-124-100 Ruslan pousou três vezes na base entre 24 e 29 de outubro.",
        "Uma fonte próxima ao Kremlin confirmou a retomada dos voos.",
        "O Ministério da Defesa russo não respondeu a um pedido de comentário.",
    ],
    "ar": [
        "ذكرت وكالة بلومبرغ، نقلا عن بيانات موقع Flightradar24، أن روسيا استأنفت رحلاتها العسكرية إلى قاعدة حميميم في سوريا.",
        "هبطت طائرة النقل أنتونوف-124 ثلاث مرات في مطار اللاذقية بين 24 و29 أكتوبر.",
        "حلقت طائرة إليوشن-62 من ليبيا إلى اللاذقية في 26 أكتوبر.",
        "ولم ترد وزارة الدفاع الروسية على طلب للتعليق.",
        "وأكد مصدر مقرب من الكرملين استئناف الرحلات.",
    ],
    "zh": [
        "据彭博社援引Flightradar24的数据报道，俄罗斯恢复了飞往叙利亚赫梅米姆空军基地的军事航班。",
        "一架伊尔-62M运输机于10月26日从利比亚飞往拉塔基亚，随后返回莫斯科。",
        "安-124重型运输机在10月24日至29日期间三次降落在该基地。",
        "一名接近克里姆林宫的消息人士证实了航班恢复的消息。",
        "俄罗斯国防部没有回应置评请求。",
    ],
}

BUILTIN_TITLES: dict[str, list[str]] = {
    "en": ["Russia Resumes Military Flights to Syria's Hmeimim Base", "Russian Transport Planes Return to Hmeimim"],
    "ru": ["Российские военные самолеты возобновили полеты на авиабазу Хмеймим"],
    "uk": ["Росія відновила військові рейси на авіабазу Хмеймім у Сирії"],
    "de": ["Russland nimmt Militärflüge nach Syrien wieder auf"],
    "fr": ["La Russie reprend ses vols militaires vers la Syrie"],
    "es": ["Rusia reanuda los vuelos militares a Siria"],
    "it": ["La Russia riprende i voli militari verso la Siria"],
    "pt": ["Rússia retoma voos militares para a Síria"],
    "ar": ["روسيا تستأنف رحلاتها العسكرية إلى قاعدة حميميم"],
    "zh": ["俄罗斯恢复向叙利亚赫梅米姆空军基地派遣军机"],
}

# --- mutation vocabularies --------------------------------------------------------------------

MONTHS: dict[str, list[str]] = {
    "en": ["September", "October", "November"],
    "ru": ["сентября", "октября", "ноября"],
    "uk": ["вересня", "жовтня", "листопада"],
    "de": ["September", "Oktober", "November"],
    "fr": ["septembre", "octobre", "novembre"],
    "es": ["septiembre", "octubre", "noviembre"],
    "it": ["settembre", "ottobre", "novembre"],
    "pt": ["setembro", "outubro", "novembro"],
    "ar": ["سبتمبر", "أكتوبر", "نوفمبر"],
}
COUNT_WORDS: dict[str, list[str]] = {
    "en": ["two", "three", "four", "five", "several"],
    "ru": ["дважды", "трижды", "четырежды"],
    "uk": ["двічі", "тричі", "чотири рази"],
    "de": ["zweimal", "dreimal", "viermal"],
    "fr": ["deux fois", "trois fois", "quatre fois"],
    "es": ["dos veces", "tres veces", "cuatro veces"],
    "it": ["due volte", "tre volte", "quattro volte"],
    "pt": ["duas vezes", "três vezes", "quatro vezes"],
    "ar": ["مرتين", "ثلاث مرات", "أربع مرات"],
    "zh": ["两次", "三次", "四次"],
}
AIRCRAFT_LATIN = ["Il-62M", "Il-76MD", "Il-76", "An-124-100", "An-124", "Tu-154M", "Il-20", "An-26", "Il-26M", "An-148"]
AIRCRAFT_CYRILLIC = {"ru": ["Ил-62М", "Ил-76", "Ан-124", "Ан-124-100", "Ту-154", "Ил-20"],
                     "uk": ["Іл-62М", "Іл-76", "Ан-124", "Ту-154"]}
NEWS_SOURCES = ["Bloomberg", "Reuters", "AFP", "Interfax", "TASS", "RIA Novosti", "Kommersant", "Al-Monitor"]
TRACKERS = ["Flightradar24", "ADS-B Exchange", "FlightAware", "ItaMilRadar"]
OUTLETS = {
    "en": [("The Moscow Times", "themoscowtimes.com"), ("Euromaidan Press", "euromaidanpress.com"),
           ("Middle East Eye", "middleeasteye.net"), ("Defense Daily Wire", "defensedailywire.example")],
    "ru": [("Интерфакс", "interfax.ru"), ("Коммерсантъ", "kommersant.ru"), ("РБК", "rbc.ru")],
    "uk": [("УНН", "unn.ua"), ("Українська правда", "pravda.com.ua")],
    "de": [("Der Spiegel", "spiegel.de"), ("Beispiel-Zeitung", "beispiel-zeitung.de")],
    "fr": [("Le Monde", "lemonde.fr"), ("Opex360", "opex360.com")],
    "es": [("EFE", "efe.com"), ("El País", "elpais.com")],
    "it": [("ANSA", "ansa.it"), ("Analisi Difesa", "analisidifesa.it")],
    "pt": [("Público", "publico.pt"), ("Folha", "folha.uol.com.br")],
    "ar": [("الجزيرة", "aljazeera.net"), ("العربية", "alarabiya.net")],
    "zh": [("新华社", "xinhuanet.com"), ("环球时报", "huanqiu.com")],
}

_DESIGNATOR = re.compile(r"(?<![\w-])(?:Il|IL|I1|An|Tu|Ил|Ан|Ту|Іл)[- ]?\d{2,3}(?:-\d{3})?(?:MD|M|М)?(?![\w])")
_SMALL_NUMBER = re.compile(r"(?<![\w.,:/-])([1-9]|[12]\d|3[01])(?![\w.,:/-]?\d)")
_YEAR = re.compile(r"\b20(?:2[3-6])\b")


def _sub_words(text: str, words: list[str], rng: random.Random, p: float) -> str:
    """Replace each occurrence of any of ``words`` by a random one of them, with probability p."""
    if not words:
        return text
    pat = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return pat.sub(lambda m: rng.choice(words) if rng.random() < p else m.group(), text)


def mutate(sentence: str, lang: str, rng: random.Random, p: float = 0.3) -> str:
    """A variant of ``sentence``: aircraft, small numbers (days, counts), months, count words and
    cited sources swapped at random, each occurrence with probability ``p``.

    >>> mutate("An Il-62M landed on October 26, Bloomberg said.", "en", random.Random(3), p=1.0)
    'An Il-26M landed on November 30, Bloomberg said.'
    """
    s = sentence
    cyr = AIRCRAFT_CYRILLIC.get(lang)

    def plane(m: re.Match) -> str:
        if rng.random() >= p:
            return m.group()
        is_cyr = bool(re.match(r"[\u0400-\u04ff]", m.group()))
        return rng.choice(cyr if (is_cyr and cyr) else AIRCRAFT_LATIN)

    s = _DESIGNATOR.sub(plane, s)
    s = _SMALL_NUMBER.sub(lambda m: str(rng.randint(1, 30)) if rng.random() < p else m.group(), s)
    s = _YEAR.sub(lambda m: rng.choice(["2024", "2025"]) if rng.random() < p / 3 else m.group(), s)
    s = _sub_words(s, MONTHS.get(lang, []), rng, p)
    s = _sub_words(s, COUNT_WORDS.get(lang, []), rng, p)
    s = _sub_words(s, NEWS_SOURCES, rng, p / 2)
    s = _sub_words(s, TRACKERS, rng, p / 2)
    return s


# --- novel sentences: what makes a large corpus more than the seeds said again ------------------
# Each article mixes re-told seed sentences (the claims that spread) with sentences built from
# templates and generated names, places and numbers (claims that mostly appear once), so that
# the spread stage sees many small clusters and a few large ones, as in real coverage, rather
# than every article repeating the same hundred sentences.

NOVEL: dict[str, list[str]] = {
    "en": [
        "{name}, a spokesman for the {org}, said on {weekday} that {n} {noun} had been moved to {place}.",
        "According to {outlet}, {n} {noun} arrived in {place} on {month} {day}.",
        "Satellite images published by {outlet} show {n} {noun} near {place}.",
        "{name} told {outlet} that the {noun} at {place} had been expanded in {month}.",
        "An {aircraft} was seen over {place} on {month} {day}, {outlet} reported.",
        "Residents of {place} reported {n} explosions near the {noun} late on {weekday}.",
        "The {org} in {place} announced a {n}-day {event} starting on {month} {day}.",
        "{name} and {name2} met in {place} to discuss the {noun}, the {org} said.",
        "Analysts at the {org} estimate that {n} {noun} remain in {place}.",
        "The road between {place} and {place2} was closed for {n} hours after the {event}.",
    ],
    "ru": [
        "По словам представителя {org} {name}, в {place} переброшены {n} {noun}.",
        "Как сообщает {outlet}, {day} {month} в {place} прибыли {n} {noun}.",
        "{name} заявил {outlet}, что {noun} в районе {place} расширены.",
        "Самолет {aircraft} был замечен над {place} {day} {month}, передает {outlet}.",
        "Жители {place} сообщили о {n} взрывах в {weekday}.",
    ],
    "uk": [
        "За словами речника {org} {name}, до {place} перекинуто {n} {noun}.",
        "Як повідомляє {outlet}, {day} {month} до {place} прибули {n} {noun}.",
        "Літак {aircraft} помітили над {place} {day} {month}, пише {outlet}.",
    ],
    "de": [
        "{name}, ein Sprecher der {org}, sagte am {weekday}, {n} {noun} seien nach {place} verlegt worden.",
        "Laut {outlet} trafen am {day}. {month} {n} {noun} in {place} ein.",
        "Eine {aircraft} wurde am {day}. {month} über {place} gesichtet, berichtete {outlet}.",
    ],
    "fr": [
        "{name}, porte-parole de {org}, a déclaré {weekday} que {n} {noun} avaient été déplacés vers {place}.",
        "Selon {outlet}, {n} {noun} sont arrivés à {place} le {day} {month}.",
        "Un {aircraft} a été aperçu au-dessus de {place} le {day} {month}, a rapporté {outlet}.",
    ],
    "es": [
        "{name}, portavoz de {org}, dijo el {weekday} que {n} {noun} habían sido trasladados a {place}.",
        "Según {outlet}, {n} {noun} llegaron a {place} el {day} de {month}.",
        "Un {aircraft} fue visto sobre {place} el {day} de {month}, informó {outlet}.",
    ],
    "it": [
        "{name}, portavoce di {org}, ha detto {weekday} che {n} {noun} sono stati trasferiti a {place}.",
        "Secondo {outlet}, {n} {noun} sono arrivati a {place} il {day} {month}.",
    ],
    "pt": [
        "{name}, porta-voz de {org}, disse na {weekday} que {n} {noun} foram transferidos para {place}.",
        "Segundo a {outlet}, {n} {noun} chegaram a {place} em {day} de {month}.",
    ],
    "ar": [
        "قال {name} المتحدث باسم {org} إن {n} {noun} نقلت إلى {place}.",
        "ذكرت {outlet} أن {n} {noun} وصلت إلى {place} في {day} {month}.",
    ],
    "zh": [
        "据{outlet}报道，{n}{noun}于{month_zh}{day}日抵达{place}。",
        "{org}发言人{name}表示，{n}{noun}已被转移到{place}。",
    ],
}
NOUNS: dict[str, list[str]] = {
    "en": ["armoured vehicles", "air-defence systems", "fuel trucks", "helicopters", "radar units", "cargo containers",
           "military advisers", "field hospitals", "drones", "artillery pieces", "supply convoys", "patrol boats"],
    "ru": ["бронемашины", "зенитных комплекса", "топливозаправщика", "вертолета", "радара", "контейнера", "беспилотника"],
    "uk": ["бронемашини", "зенітних комплекси", "вертольоти", "радари", "контейнери", "безпілотники"],
    "de": ["Panzerfahrzeuge", "Luftabwehrsysteme", "Tanklaster", "Hubschrauber", "Radaranlagen", "Container", "Drohnen"],
    "fr": ["blindés", "systèmes de défense aérienne", "camions-citernes", "hélicoptères", "radars", "conteneurs", "drones"],
    "es": ["vehículos blindados", "sistemas antiaéreos", "camiones cisterna", "helicópteros", "radares", "contenedores"],
    "it": ["blindati", "sistemi antiaerei", "autocisterne", "elicotteri", "radar", "container"],
    "pt": ["blindados", "sistemas antiaéreos", "caminhões-tanque", "helicópteros", "radares", "contêineres"],
    "ar": ["مدرعات", "منظومات دفاع جوي", "شاحنات وقود", "مروحيات", "رادارات", "حاويات"],
    "zh": ["辆装甲车", "套防空系统", "架直升机", "部雷达", "个集装箱", "架无人机"],
}
WEEKDAYS = {"en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            "ru": ["понедельник", "вторник", "среду", "четверг", "пятницу"],
            "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
            "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"],
            "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
            "it": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì"],
            "pt": ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira"]}
EVENTS = ["exercise", "curfew", "ceasefire", "inspection", "evacuation", "blockade", "strike"]
SYLLABLES = {
    "latin": ["ka", "ra", "mi", "dor", "han", "sel", "vo", "tar", "ek", "lu", "bas", "qu", "zar", "im", "on", "fa",
              "rid", "al", "ber", "nov", "sha", "kir", "ul", "mes", "dan", "yas"],
    "cyr": ["ка", "ра", "ми", "дор", "хан", "сел", "во", "тар", "ек", "лу", "бас", "зар", "им", "он", "фа", "рид",
            "ал", "бер", "нов", "ша", "кир", "ул", "мес", "дан"],
    "ar": ["كا", "را", "مي", "دور", "حان", "سل", "تار", "لو", "باس", "زار", "فا", "ريد", "بر", "شا", "كير"],
    "zh": ["阿", "巴", "卡", "达", "拉", "马", "萨", "塔", "尼", "米", "哈", "扎", "贝", "洛", "尔", "斯"],
}


def _word(rng: random.Random, script: str, lo: int = 2, hi: int = 3) -> str:
    w = "".join(rng.choice(SYLLABLES[script]) for _ in range(rng.randint(lo, hi)))
    return w if script in ("ar", "zh") else w[:1].upper() + w[1:]


def novel_sentence(lang: str, rng: random.Random) -> str:
    """A sentence from a template with generated names, places and numbers (mostly unique).

    >>> novel_sentence("en", random.Random(1)).endswith(".")
    True
    """
    script = {"ru": "cyr", "uk": "cyr", "ar": "ar", "zh": "zh"}.get(lang, "latin")
    sep = "" if script == "zh" else " "
    months = MONTHS.get(lang, MONTHS["en"])
    real_places = {"latin": ["Latakia", "Tartus", "Hama", "Homs", "Aleppo", "Benghazi", "Tobruk", "Qamishli"],
                   "cyr": ["Латакию", "Тартус", "Хаму", "Хомс", "Алеппо", "Бенгази"],
                   "ar": ["اللاذقية", "طرطوس", "حماة", "حمص", "حلب"], "zh": ["拉塔基亚", "塔尔图斯", "哈马", "霍姆斯"]}[script]
    place = lambda: rng.choice(real_places) if rng.random() < 0.3 else _word(rng, script, 2, 4)  # noqa: E731
    name = lambda: _word(rng, script) + sep + _word(rng, script, 2, 4)  # noqa: E731
    aircraft = (rng.choice(AIRCRAFT_CYRILLIC[lang]) if lang in AIRCRAFT_CYRILLIC else rng.choice(AIRCRAFT_LATIN))
    slots = {
        "name": name(), "name2": name(), "place": place(), "place2": place(),
        "org": rng.choice(["Ministry of Defence", "Syrian Observatory", "Interior Ministry", "Hmeimim command",
                           "Coastal Governorate", "Reconciliation Centre"]) if lang == "en" else _word(rng, script, 3, 4),
        "outlet": rng.choice(NEWS_SOURCES) if rng.random() < 0.5 else _word(rng, script, 2, 3) + sep + "News",
        "n": str(rng.randint(2, 60)), "day": str(rng.randint(1, 28)), "month": rng.choice(months),
        "month_zh": f"{rng.randint(9, 11)}月", "weekday": rng.choice(WEEKDAYS.get(lang, ["-"])),
        "noun": rng.choice(NOUNS[lang]), "event": rng.choice(EVENTS), "aircraft": aircraft,
    }
    return rng.choice(NOVEL[lang]).format(**slots)


# --- sentence pools -----------------------------------------------------------------------------

_TAGS = re.compile(r"<(script|style|nav|header|footer|aside)\b.*?</\1>|<[^>]+>", re.S | re.I)


def _file_sentences(path: Path) -> tuple[str, list[str]]:
    """(title, body sentences) of a seed or fixture file, with the package's own splitter."""
    from .text import normalize, split_sentences

    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        body = re.search(r"<article\b.*?</article>", raw, re.S | re.I)
        raw = re.sub(r"</(p|h1|h2|li)>", "\n\n", body.group() if body else raw, flags=re.I)
        raw = _TAGS.sub("", raw)
    text = normalize(raw)
    title, _, rest = text.partition("\n")
    sents = [rest[s:e] for s, e in split_sentences(rest)]
    # drop datelines, bylines and fragments
    sents = [x for x in sents if len(x) >= 40 and not re.fullmatch(r"[\d\s:,.\w]{0,30}", x)]
    return title.strip(), sents


def sentence_pools(seeds: Path | None = None, fixtures: Path | None = None) -> tuple[dict, dict]:
    """(sentences by language, titles by language): the built-ins plus the seeds (English) and
    the multilingual fixtures (language = file-name prefix) when those folders exist."""
    pools = {lang: list(v) for lang, v in BUILTIN.items()}
    titles = {lang: list(v) for lang, v in BUILTIN_TITLES.items()}
    seeds = SEEDS_DIR if seeds is None else Path(seeds)
    fixtures = FIXTURES_DIR if fixtures is None else Path(fixtures)
    found = [(p, "en") for p in sorted(seeds.glob("*.txt"))] if seeds.is_dir() else []
    if fixtures.is_dir():
        for p in sorted(fixtures.iterdir()):
            lang = p.name.split("_", 1)[0]
            if lang in pools and p.suffix.lower() in (".txt", ".md", ".html", ".htm"):
                found.append((p, lang))
    for p, lang in found:
        try:
            title, sents = _file_sentences(p)
        except OSError:
            continue
        if title and len(title) < 200:
            titles[lang].append(title)
        pools[lang].extend(s for s in sents if s not in pools[lang])
    return pools, titles


# --- the synthetic corpus -------------------------------------------------------------------------

_HTML = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="article:published_time" content="{published}T09:15:00+00:00">
<meta property="og:url" content="{url}">
<style>body{{font-family:serif}}</style><script>var tracking = true;</script></head>
<body><header><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/login">Login</a></nav></header>
<main><article><h1>{title}</h1>
{paragraphs}
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/x">Other news</a></li></ul></aside>
<footer>&copy; {year} {outlet}</footer></body></html>
"""


def _article(seed: int, i: int, pools: dict, titles: dict, langs: list, weights: list) -> dict:
    """Article ``i`` of the corpus for ``seed``: a pure function of (seed, i)."""
    rng = random.Random(f"hmeimim-bench:{seed}:{i}")
    dup_of = None
    if i >= 10 and rng.random() < 0.02:  # a syndicated copy of an earlier article
        dup_of = rng.randrange(0, i)
        src = _article(seed, dup_of, pools, titles, langs, weights)
        src.update(dup_of=dup_of, meta=src["meta"] if rng.random() < 0.5 else None)
        return src
    lang = rng.choices(langs, weights)[0]
    pool = pools[lang]
    day = rng.randint(20, 60)  # days after 2025-10-01
    y, m, d = (2025, 10, day) if day <= 31 else (2025, 11, day - 31)
    published = f"{y}-{m:02d}-{d:02d}"
    outlet, host = rng.choice(OUTLETS[lang])
    url = f"https://www.{host}/{y}/{m:02d}/{d:02d}/hmeimim-{i}"
    # size: lognormal around ~3 KB of UTF-8
    target = min(14_000, max(500, int(rng.lognormvariate(8.0, 0.45))))
    # the pool in random order; small pools (other languages) go round again, mutated harder
    order = [(k, 0.3) for k in rng.sample(range(len(pool)), len(pool))]
    order += [(k, 0.7) for k in rng.sample(range(len(pool)), len(pool))]
    paras, para, size = [], [], 0
    for k, p in order:
        while rng.random() < NOVEL_SHARE and size < target:
            s = novel_sentence(lang, rng)
            para.append(s)
            size += len(s.encode("utf-8")) + 1
        s = mutate(pool[k], lang, rng, p)
        para.append(s)
        size += len(s.encode("utf-8")) + 1
        if len(para) >= rng.randint(1, 3):
            paras.append(" ".join(para) if lang != "zh" else "".join(para))
            para = []
        if size >= target:
            break
    if para:
        paras.append(" ".join(para) if lang != "zh" else "".join(para))
    title = mutate(rng.choice(titles[lang]), lang, rng)
    kind = "html" if rng.random() < 0.03 else "txt"
    meta = None
    r = rng.random()
    if r < 0.6:
        meta = {"url": url, "outlet": outlet, "published": published,
                "language": lang if rng.random() < 0.5 else ""}
    head = [title]
    if kind == "txt" and meta is None and rng.random() < 0.5:
        months = MONTHS.get(lang)
        if months and lang not in ("ar",):
            head.append(f"{rng.randint(8, 22)}:{rng.randint(0, 59):02d}, {d} {months[m - 9]} {y}"
                        if lang in ("ru", "uk") else f"{d} {months[m - 9]} {y}")
        else:
            head.append(f"date {published}")
    if kind == "html":
        body = "\n".join(f"<p>{p}</p>" for p in paras)
        content = _HTML.format(lang=lang, title=title, outlet=outlet, published=published, url=url,
                               paragraphs=body, year=y)
    else:
        content = "\n".join(head) + "\n\n" + "\n\n".join(paras) + "\n"
    encoding = "cp1251" if lang in ("ru", "uk") and kind == "txt" and rng.random() < 0.02 else "utf-8"
    return {"lang": lang, "kind": kind, "content": content, "encoding": encoding, "meta": meta, "dup_of": None}


def synth_corpus(folder: str | os.PathLike, n: int, seed: int = 0, *, pools: tuple[dict, dict] | None = None) -> dict:
    """Write ``n`` synthetic articles (and a ``metadata.csv``) into ``folder``, deterministically
    for ``seed``; return ``{"folder", "articles", "bytes", "languages", "duplicates", "html"}``.

    Files go to subfolders of 1,000 (``part0000/a0000000.txt``); the id is the file stem."""
    import csv

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sents, titles = pools or sentence_pools()
    langs = list(LANG_WEIGHTS)
    weights = [LANG_WEIGHTS[x] for x in langs]
    total = 0
    meta_rows = []
    by_lang: dict[str, int] = {}
    dups = html = 0
    for i in range(n):
        a = _article(seed, i, sents, titles, langs, weights)
        aid = f"a{i:07d}"
        sub = folder / f"part{i // FILES_PER_FOLDER:04d}"
        if i % FILES_PER_FOLDER == 0:
            sub.mkdir(exist_ok=True)
        data = a["content"].encode(a["encoding"], errors="replace")
        (sub / f"{aid}.{a['kind']}").write_bytes(data)
        total += len(data)
        by_lang[a["lang"]] = by_lang.get(a["lang"], 0) + 1
        dups += a["dup_of"] is not None
        html += a["kind"] == "html"
        if a["meta"]:
            meta_rows.append({"id": aid, **a["meta"]})
    with (folder / "metadata.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "url", "outlet", "published", "language"], lineterminator="\n")
        w.writeheader()
        w.writerows(meta_rows)
    return {"folder": str(folder), "articles": n, "bytes": total, "languages": dict(sorted(by_lang.items())),
            "duplicates": dups, "html": html}


# --- memory -----------------------------------------------------------------------------------------


def _proc_tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def _mem_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB of one process (PSS counts pages shared after fork once)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


_PAGE_KB = (os.sysconf("SC_PAGE_SIZE") // 1024) if hasattr(os, "sysconf") else 4


def _rss_kb(pid: int) -> int:
    """RSS in kB of one process, from /proc/PID/statm."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this process, its finished children, and its
    live descendants (pool or Dask workers): a figure the other load on a shared machine
    disturbs less than wall-clock time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    me = os.getpid()
    for p in _proc_tree(me) if os.path.exists(f"/proc/{me}/stat") else ():
        if p == me:
            continue
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total


class MemorySampler:
    """Samples the memory of this process and all its descendants (pool or Dask workers) in a
    background thread; ``peak_rss_mb`` is the largest sum of RSS seen, ``peak_pss_mb`` the
    largest sum of PSS (shared pages counted once). Falls back to ``getrusage`` off Linux."""

    def __init__(self, interval: float = 0.25):
        self.interval = interval
        self.peak_rss = self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._proc = Path(f"/proc/{os.getpid()}/smaps_rollup").exists()

    def sample(self) -> None:
        if not self._proc:
            return
        # RSS from statm every time (cheap); PSS from smaps_rollup, which walks the page tables
        # (about 5 ms per GB of process), every 8th time, so the sampler barely competes with
        # the workers it measures
        self._n = getattr(self, "_n", -1) + 1
        full = self._n % 8 == 0
        rss = pss = 0
        for p in _proc_tree(os.getpid()):
            if full:
                r, s = _mem_kb(p)
                pss += s
            else:
                r = _rss_kb(p)
            rss += r
        self.peak_rss = max(self.peak_rss, rss)
        if full:
            self.peak_pss = max(self.peak_pss, pss)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self):
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._n = -1  # the last sample reads PSS too
        self.sample()

    def figures(self) -> dict:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {"peak_rss_mb": round(max(self.peak_rss / 1024, own), 1),
                "peak_pss_mb": round(self.peak_pss / 1024, 1) if self._proc else None,
                "peak_rss_main_mb": round(own, 1), "peak_rss_child_mb": round(kids, 1)}


# --- the benchmark -------------------------------------------------------------------------------


def _info(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def _spread_available() -> bool:
    try:
        from . import spread  # noqa: F401
    except ImportError:
        return False
    return True


def _local_spread(corpus, timings: dict) -> None:
    """``pipeline.run_spread``, asking the spread stage for its step timings when it offers them."""
    import inspect

    from . import spread

    fn = spread.spread_tables
    params = inspect.signature(fn).parameters
    corpus.spread = fn(corpus, timings=timings) if "timings" in params else fn(corpus)


def run_bench(n: int, engine: str = "local", workers: int | None = None, seed: int = 0, *,
              spread: bool = True, scheduler: str | None = None, keep: str | os.PathLike | None = None,
              corpus: str | os.PathLike | None = None, print_json: bool = True) -> dict:
    """Generate ``n`` synthetic articles, run ingest, extract and spread, print the figures.

    ``engine`` is ``local`` (the package's process pool with ``workers`` processes, default all
    cores) or ``dask`` (a local 2-worker cluster, or ``scheduler``). ``keep`` writes the corpus
    there and leaves it; ``corpus`` reuses an existing folder instead of generating one. Progress
    goes to stderr; the last stdout line is one JSON object (also returned as a dict):
    ``articles, mb, seconds, articles_per_s, mb_per_s, peak_rss_mb, ingest_s, extract_s,
    spread_s, write_s, claims`` and more. The run is the one ``hmeimim extract --format parquet``
    makes: files read and extracted in batches (one task each; ``ingest_s``/``extract_s`` share
    its wall-clock time, ``read_extract_s``, by their CPU seconds), the extraction tables
    streamed to a sink and written (the claims and sentences read back first), then the spread,
    and its tables written beside them (``write_s``: both writes). ``seconds`` is ingest +
    extract + spread + write (not generation or cluster start-up, reported as ``generate_s``
    and ``startup_s``).
    """
    from . import pipeline
    from .output import TableSink, write_tables

    if engine not in ("local", "dask"):
        raise ValueError(f"unknown engine {engine!r}: use local or dask")
    if engine == "dask":
        from .distributed import require_dask

        require_dask()  # one clear line before minutes of corpus generation
    workers = workers or os.cpu_count() or 1
    tmp = None
    t = time.perf_counter()
    if corpus is not None:
        folder = Path(corpus)
        nbytes = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.name != "metadata.csv")
    else:
        if keep is not None:
            folder = Path(keep)
        else:
            tmp = tempfile.mkdtemp(prefix="hmeimim-bench-")
            folder = Path(tmp) / "corpus"
        _info(f"generating {n} articles (seed {seed}) in {folder}")
        nbytes = synth_corpus(folder, n, seed)["bytes"]
    generate_s = time.perf_counter() - t
    _info(f"corpus ready: {nbytes / 1e6:.1f} MB in {generate_s:.1f} s")

    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    load0 = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    cluster = sink = None
    try:
        with MemorySampler() as mem:
            t = time.perf_counter()
            if engine == "dask":
                from .distributed import DaskEngine

                cluster = DaskEngine(scheduler).start()
                mapper = cluster.mapper
                nworkers = cluster.n_workers
            else:
                mapper = None
                nworkers = workers
            stages["startup_s"] = time.perf_counter() - t

            t, c = time.perf_counter(), cpu_seconds()
            tm: dict = {}
            # as `hmeimim extract` runs: the extraction tables go to disk batch by batch
            out_dir = tempfile.mkdtemp(prefix="hmeimim-bench-out-")
            sink = TableSink(out_dir, "parquet")
            corp = pipeline.load_corpus(folder, workers=workers, spread=False, progress=False,
                                        mapper=mapper if cluster is not None else None, timings=tm, sink=sink)
            rows = dict(sink.rows)
            wall, total_cpu = time.perf_counter() - t, cpu_seconds() - c
            # ingest and extraction run together, batch by batch, in the same worker task: the
            # wall-clock time is shared between them in proportion to their CPU seconds
            work = (tm.get("ingest_cpu_s") or 0) + (tm.get("extract_cpu_s") or 0)
            share = (tm.get("ingest_cpu_s") or 0) / work if work else 0.0
            stages["read_extract_s"] = wall
            stages["ingest_s"], stages["extract_s"] = wall * share, wall * (1 - share)
            cpu["ingest"] = tm.get("ingest_cpu_s", 0.0)
            cpu["extract"] = tm.get("extract_cpu_s", 0.0)
            cpu["other"] = max(0.0, total_cpu - cpu["ingest"] - cpu["extract"])
            _info(f"ingest + extract: {len(corp.articles)} articles, {rows.get('sentences', 0)} sentences, "
                  f"{rows.get('sources', 0)} sources, {rows.get('flights', 0)} flights, {rows.get('claims', 0)} "
                  f"claims in {wall:.1f} s")

            # as `hmeimim extract --format parquet` runs: the claims and sentences read back for
            # the spread, the extraction tables written (the sorted runs merged), the spread, and
            # its tables written beside them
            t, c = time.perf_counter(), cpu_seconds()
            spread_ran = spread and _spread_available()
            if spread_ran:
                corp.claims = sink.read("claims")
                corp.sentences = sink.read("sentences")
            stages["spread_s"], cpu["spread"] = time.perf_counter() - t, cpu_seconds() - c
            t, c = time.perf_counter(), cpu_seconds()
            for name in ("articles", "rejects"):
                sink.put(name, getattr(corp, name))
            n_tables = len(sink.commit())
            stages["write_s"], cpu["write"] = time.perf_counter() - t, cpu_seconds() - c

            t, c = time.perf_counter(), cpu_seconds()
            spread_steps: dict[str, float] = {}
            if spread_ran:
                short = pipeline.spread_shortfall(len(corp.claims))
                if short:
                    _info(f"warning: {short} (benchmarks/bench_extract.py --no-spread skips it)")
                if cluster is not None:
                    cluster.spread(corp, timings=spread_steps)
                else:
                    _local_spread(corp, spread_steps)
            stages["spread_s"] += time.perf_counter() - t
            cpu["spread"] += cpu_seconds() - c
            if spread_ran:
                _info(f"spread: {', '.join(f'{k} {len(v)}' for k, v in corp.spread.items())} in {stages['spread_s']:.1f} s")
                t, c = time.perf_counter(), cpu_seconds()
                n_tables += len(write_tables(corp.spread, Path(out_dir), "parquet", prune=False))
                stages["write_s"] += time.perf_counter() - t
                cpu["write"] += cpu_seconds() - c
            else:
                _info("spread: skipped" + ("" if not spread else " (hmeimim.spread is not available)"))
            _info(f"write: {n_tables} tables in {stages['write_s']:.1f} s")
    finally:
        if sink is not None:
            sink.abort()
            shutil.rmtree(out_dir, ignore_errors=True)
        if cluster is not None:
            cluster.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    seconds = stages["ingest_s"] + stages["extract_s"] + stages["spread_s"] + stages["write_s"]
    n_art = len(corp.articles)
    fig = {
        "articles": n_art,
        "mb": round(nbytes / 1e6, 2),
        "seconds": round(seconds, 2),
        "articles_per_s": round(n_art / seconds, 1) if seconds else None,
        "mb_per_s": round(nbytes / 1e6 / seconds, 3) if seconds else None,
        **mem.figures(),
        "read_extract_s": round(stages["read_extract_s"], 2),
        "ingest_s": round(stages["ingest_s"], 2),
        "extract_s": round(stages["extract_s"], 2),
        "spread_s": round(stages["spread_s"], 2) if spread_ran else None,
        "write_s": round(stages["write_s"], 2),
        "cpu_s": round(sum(cpu.values()), 1),
        "ingest_cpu_s": round(cpu["ingest"], 1),
        "extract_cpu_s": round(cpu["extract"], 1),
        "other_cpu_s": round(cpu["other"], 1),
        "spread_cpu_s": round(cpu["spread"], 1) if spread_ran else None,
        "write_cpu_s": round(cpu["write"], 1),
        "spread_steps_s": {k: round(v, 2) for k, v in spread_steps.items()} or None,
        "startup_s": round(stages["startup_s"], 2),
        "generate_s": round(generate_s, 2),
        "sentences": rows.get("sentences", 0),
        "sources": rows.get("sources", 0),
        "flights": rows.get("flights", 0),
        "claims": rows.get("claims", 0),
        "claims_per_s_spread": round(rows.get("claims", 0) / stages["spread_s"], 1) if spread_ran and stages["spread_s"] else None,
        "clusters": len(corp.spread.get("claim_clusters", ())) if spread_ran else None,
        "rejects": len(corp.rejects),
        "engine": engine,
        "workers": nworkers,
        "seed": seed,
        "cpus": os.cpu_count(),
        "loadavg_before": round(load0, 2) if load0 is not None else None,
        "loadavg_after": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "python": sys.version.split()[0],
    }
    if print_json:
        print(json.dumps(fig), flush=True)
    return fig
