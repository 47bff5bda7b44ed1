"""Throughput of hmeimim.dates.find_dates on ~20,000 realistic multilingual news sentences.

Run: ``.venv/bin/python benchmarks/bench_dates.py [--n 20000] [--seed 0]``.
Prints one JSON line: sentences, mentions, best/median seconds over --repeat passes and sentences_per_s
(best pass; the machine may be shared, so the median is printed too).
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmeimim.dates import find_dates  # noqa: E402

# Templates: roughly half the sentences carry a temporal expression, as in news copy.
TEMPLATES: dict[str, list[str]] = {
    "en": [
        "An Il-62M transport plane flew from Libya to Latakia on {d} October before returning to the Moscow Oblast.",
        "The An-124-100 Ruslan landed at Hmeimim three times between October {a} and October {b}.",
        "The An-124-100 Ruslan cargo jet reportedly arrived there three times between Friday and Wednesday.",
        "The Il-62M was said to have flown the Libya-Latakia-Moscow route last Sunday, Bloomberg reported on Thursday.",
        "Russia has relied on Hmeimim since intervening in September 2015 in the civil war, which broke out in 2011.",
        "Assad fled to Moscow last December after the collapse of his regime.",
        "Military flights resumed between {a}-{b} October, ending a suspension that began in March 2025.",
        "Ahmed al-Sharaa met Vladimir Putin in Moscow on Oct. 15 to discuss the status of the bases.",
        "Analysts suggest the return of Russian flights could be a response to the shifting balance of power in Syria.",
        "The frequency of these flights underscores the urgency and scale of Russia's military repositioning.",
        "Troops at Hmeimim repelled an attack by Syrian rebels earlier this week, sources said.",
        "Russian Defense Minister Andrei Belousov met his Syrian counterpart on Tuesday.",
    ],
    "ru": [
        "Самолет Ил-62М вылетел из Ливии в Латакию {d} октября 2025 г. и вернулся в Подмосковье.",
        "Ан-124-100 «Руслан» трижды приземлялся на базе Хмеймим с {a} по {b} октября.",
        "Как сообщило Bloomberg в четверг, полеты возобновились на прошлой неделе.",
        "Ил-62М совершил рейс в прошлое воскресенье, сообщает агентство.",
        "Россия использует базу Хмеймим с 2015 года, когда началась операция в Сирии.",
        "Асад бежал в Москву в декабре прошлого года после падения режима.",
        "Министр обороны Сирии посетил Москву в среду.",
        "Эксперты считают, что возвращение российских самолетов связано с переговорами в Дамаске.",
    ],
    "uk": [
        "Літак Іл-62М прилетів до Латакії {d} жовтня, повідомляє Bloomberg.",
        "Ан-124 тричі приземлявся на базі з {a} по {b} жовтня.",
        "Рейс відбувся минулої неділі, а у середу літак повернувся.",
        "Росія використовує базу Хмеймім з 2015 року.",
        "Розвідка повідомила про це минулого тижня.",
    ],
    "de": [
        "Eine Il-62M flog am {d}. Oktober von Libyen nach Latakia.",
        "Die An-124 landete vom {a}. bis {b}. Oktober dreimal in Hmeimim.",
        "Bloomberg berichtete am Donnerstag, die Flüge hätten letzte Woche wieder begonnen.",
        "Russland nutzt den Stützpunkt seit 2015, wie Analysten im März 2025 schrieben.",
        "Die Maschine landete letzten Sonntag auf dem Flughafen.",
    ],
    "fr": [
        "Un Il-62M a volé de Libye à Lattaquié le {d} octobre 2025.",
        "L'An-124 a atterri trois fois du {a} au {b} octobre à Hmeimim.",
        "Selon Bloomberg, les vols ont repris la semaine dernière, dimanche dernier.",
        "La Russie utilise la base depuis 2015, rappelle l'agence.",
        "Le ministre syrien s'est rendu à Moscou mercredi.",
    ],
    "it": [
        "Un Il-62M ha volato dalla Libia a Latakia il {d} ottobre.",
        "L'An-124 è atterrato tre volte tra il {a} e il {b} ottobre.",
        "I voli sono ripresi la settimana scorsa, domenica scorsa secondo Bloomberg.",
        "La Russia usa la base dal 2015.",
    ],
    "es": [
        "Un Il-62M voló de Libia a Latakia el {d} de octubre de 2025.",
        "El An-124 aterrizó tres veces entre el {a} y el {b} de octubre.",
        "Los vuelos se reanudaron la semana pasada, el domingo pasado según Bloomberg.",
        "Rusia utiliza la base desde 2015.",
    ],
    "pt": [
        "Um Il-62M voou da Líbia para Latakia em {d} de outubro.",
        "O An-124 pousou três vezes entre {a} e {b} de outubro.",
        "Os voos foram retomados na semana passada, no domingo passado.",
        "A Rússia usa a base desde 2015.",
    ],
    "ar": [
        "حلقت طائرة إيل-62 من ليبيا إلى اللاذقية في {d} تشرين الأول/أكتوبر 2025.",
        "هبطت طائرة أنتونوف ثلاث مرات بين {a} و{b} أكتوبر في قاعدة حميميم.",
        "وذكرت بلومبرغ يوم الخميس أن الرحلات استؤنفت الأسبوع الماضي.",
        "حلقت الطائرة الأحد الماضي إلى موسكو.",
        "تستخدم روسيا القاعدة منذ عام 2015.",
    ],
    "zh": [
        "一架伊尔-62M运输机于10月{d}日从利比亚飞往拉塔基亚。",
        "安-124运输机在10月{a}日至{b}日期间三次降落赫梅米姆基地。",
        "彭博社周四报道称，航班上周恢复，上周日有一架飞机抵达。",
        "俄罗斯自2015年以来一直使用该基地。",
    ],
}
WEIGHTS = {"en": 5, "ru": 3, "uk": 1, "de": 1, "fr": 1, "it": 1, "es": 1, "pt": 1, "ar": 1, "zh": 1}


def build(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    langs = list(WEIGHTS)
    weights = [WEIGHTS[lang] for lang in langs]
    out = []
    for _ in range(n):
        lang = rng.choices(langs, weights)[0]
        a = rng.randint(1, 20)
        text = rng.choice(TEMPLATES[lang]).format(d=rng.randint(1, 31), a=a, b=a + rng.randint(1, 8))
        out.append((lang, text))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=5, help="timed passes; the best and the median are reported")
    args = ap.parse_args(argv)
    sentences = build(args.n, args.seed)
    published = datetime.date(2025, 10, 30)
    for lang in WEIGHTS:  # compile the per-language regexes outside the timed loop
        find_dates("", lang)
        find_dates("on 1 October", lang, published)
    timings = []
    mentions = 0
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        mentions = 0
        for lang, text in sentences:
            mentions += len(find_dates(text, lang, published))
        timings.append(time.perf_counter() - t0)
    best, median = min(timings), statistics.median(timings)
    print(
        json.dumps(
            {
                "benchmark": "find_dates",
                "sentences": len(sentences),
                "mentions": mentions,
                "repeat": len(timings),
                "seconds_best": round(best, 4),
                "seconds_median": round(median, 4),
                "sentences_per_s": round(len(sentences) / best),
                "sentences_per_s_median": round(len(sentences) / median),
            }
        )
    )


if __name__ == "__main__":
    main()
