"""Tricky sentence-splitting cases (text, expected sentences), shared by the tests and the
splitter benchmark. Written for this project: abbreviations, initials, decimals, quotes,
datelines and the punctuation of Arabic and Chinese."""

CASES = {
    "en": [
        ("Gen. Smith arrived. He left.", ["Gen. Smith arrived.", "He left."]),
        ("The U.S. Air Force said so. Russia did not.", ["The U.S. Air Force said so.", "Russia did not."]),
        ("It landed in the U.S. The crew rested.", ["It landed in the U.S.", "The crew rested."]),
        ("Donald J. Trump met al-Sharaa. They talked.", ["Donald J. Trump met al-Sharaa.", "They talked."]),
        ("The jet carried 3.5 tonnes. It was full.", ["The jet carried 3.5 tonnes.", "It was full."]),
        ("They met on Oct. 15 in Moscow. Talks went on.", ["They met on Oct. 15 in Moscow.", "Talks went on."]),
        ('"We will respect all agreements." Putin nodded.', ['"We will respect all agreements."', "Putin nodded."]),
        ("Was it a transport? Nobody knew!", ["Was it a transport?", "Nobody knew!"]),
        ("Lt. Col. Ivanov spoke. Maj. Petrov did not.", ["Lt. Col. Ivanov spoke.", "Maj. Petrov did not."]),
        ("Visit bloomberg.com for more. Or not.", ["Visit bloomberg.com for more.", "Or not."]),
        ("An Il-62M (operated by the Russian Air Force) flew. It returned.", ["An Il-62M (operated by the Russian Air Force) flew.", "It returned."]),
        ("It cost $28 bn. in total. Investors came.", ["It cost $28 bn. in total.", "Investors came."]),
        ("Title line\nFirst sentence here. Second one.", ["Title line", "First sentence here.", "Second one."]),
        ("He said: “It is over.” Then he left.", ["He said: “It is over.”", "Then he left."]),
        ("Flights resumed... Then they stopped.", ["Flights resumed...", "Then they stopped."]),
    ],
    "ru": [
        ("Самолет прилетел 26 окт. 2025 г. в Хмеймим. Он улетел.", ["Самолет прилетел 26 окт. 2025 г. в Хмеймим.", "Он улетел."]),
        ("Об этом сообщил ген. Иванов. Минобороны молчит.", ["Об этом сообщил ген. Иванов.", "Минобороны молчит."]),
        ("Это т.е. главное. Далее.", ["Это т.е. главное.", "Далее."]),
        ("Груз весил 3,5 т. На борту был экипаж.", ["Груз весил 3,5 т.", "На борту был экипаж."]),
        ("«Полеты возобновлены», — сказал источник. Кремль молчит.", ["«Полеты возобновлены», — сказал источник.", "Кремль молчит."]),
        ("В.В. Путин встретился с аш-Шараа. Они говорили.", ["В.В. Путин встретился с аш-Шараа.", "Они говорили."]),
    ],
    "ar": [
        ("هبطت الطائرة في حميميم. ثم عادت إلى موسكو.", ["هبطت الطائرة في حميميم.", "ثم عادت إلى موسكو."]),
        ("هل هبطت الطائرة؟ نعم، ثلاث مرات.", ["هل هبطت الطائرة؟", "نعم، ثلاث مرات."]),
        ("قالت الوكالة إن الرحلات استؤنفت! ولم ترد الوزارة.", ["قالت الوكالة إن الرحلات استؤنفت!", "ولم ترد الوزارة."]),
        ("بلغ الوزن 3.5 طن. وكان الطاقم روسيا.", ["بلغ الوزن 3.5 طن.", "وكان الطاقم روسيا."]),
    ],
    "zh": [
        ("飞机降落在赫梅米姆。随后返回莫斯科。", ["飞机降落在赫梅米姆。", "随后返回莫斯科。"]),
        ("航班恢复了吗？是的！", ["航班恢复了吗？", "是的！"]),
        ("他说：“协议将被遵守。”会谈结束。", ["他说：“协议将被遵守。”", "会谈结束。"]),
        ("货物重3.5吨。机组是俄罗斯人。", ["货物重3.5吨。", "机组是俄罗斯人。"]),
    ],
}
