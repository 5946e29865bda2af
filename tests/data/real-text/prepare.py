#!/usr/bin/env python3
"""Builds the real-text evaluation files of this directory from their sources.

    prepare.py zh_hk-ud-test.conllu zh_cfl-ud-test.conllu en_ewt-ud-dev.conllu cmn.txt \
        GUM_news_*.conllu GUM_bio_*.conllu

The treebanks are reduced to what the evaluation reads (sentence text, word
forms, universal part-of-speech tags, document breaks); the sentence pairs
keep their Tatoeba attribution line by line. See README.md.
"""
import re
import sys

# English name -> its Chinese renderings, labelled by hand: for every English
# name, the Han strings shared by the translations of the sentences that
# carry it were listed by frequency, and the right ones kept after reading.
NAMES = {
    "Tom": ["汤姆", "湯姆"], "Mary": ["玛丽", "瑪麗"], "John": ["约翰", "約翰"],
    "Boston": ["波士顿", "波士頓"], "Japan": ["日本"], "Tokyo": ["东京", "東京"],
    "London": ["伦敦", "倫敦"], "Australia": ["澳大利亚", "澳大利亞", "澳洲"],
    "America": ["美国", "美國"], "New York": ["纽约", "紐約"], "Mt. Fuji": ["富士山"],
    "Christmas": ["圣诞节", "聖誕節", "圣诞", "聖誕"], "Europe": ["欧洲", "歐洲"],
    "Kyoto": ["京都"], "France": ["法国", "法國"], "Germany": ["德国", "德國"],
    "Paris": ["巴黎"], "Canada": ["加拿大"], "China": ["中国", "中國"],
    "Hokkaido": ["北海道"], "United States": ["美国", "美國"],
    "England": ["英格兰", "英格蘭"], "Italy": ["意大利", "義大利"], "Harvard": ["哈佛"],
    "Africa": ["非洲"], "Hawaii": ["夏威夷"], "New Zealand": ["新西兰", "紐西蘭"],
    "Asia": ["亚洲", "亞洲"], "India": ["印度"], "Nagoya": ["名古屋"],
    "Chicago": ["芝加哥"], "Osaka": ["大阪"], "Lincoln": ["林肯"],
    "Singapore": ["新加坡"], "Rome": ["罗马", "羅馬"], "Korea": ["韩国", "韓國"],
    "English": ["英语", "英語", "英文"], "French": ["法语", "法語", "法文"],
    "German": ["德语", "德語"], "Spanish": ["西班牙语", "西班牙語", "西班牙文"],
    "Shakespeare": ["莎士比亚", "莎士比亞"], "Mexico": ["墨西哥"], "Hilton": ["希尔顿"],
    "Kobe": ["神户", "神戶"], "Mars": ["火星"], "Sydney": ["悉尼", "雪梨"],
    "Venice": ["威尼斯"], "Edison": ["爱迪生", "愛迪生"], "Brazil": ["巴西"],
    "Egypt": ["埃及"], "Beijing": ["北京"], "Shanghai": ["上海"], "Hong Kong": ["香港"],
    "Thames": ["泰晤士河"], "Russia": ["俄罗斯", "俄羅斯"],
}
# At most this many pairs per name, so that Tom does not make the figure.
PER_NAME = 6


def treebank(path, out):
    with open(out, "w", encoding="utf-8") as sink:
        reduce_conllu(path, sink, keep_newdoc=True)


def reduce_conllu(path, sink, keep_newdoc):
    with open(path, encoding="utf-8") as source:
        for line in source:
            line = line.rstrip("\n")
            if line.startswith("# newdoc"):
                if keep_newdoc:
                    sink.write("# newdoc\n")
            elif line.startswith("# text = "):
                sink.write(line + "\n")
            elif not line:
                sink.write("\n")
            elif not line.startswith("#"):
                cols = line.split("\t")
                # Multiword-token ranges and empty nodes are not words of the text.
                if "-" in cols[0] or "." in cols[0]:
                    continue
                sink.write(f"{cols[1]}\t{cols[3]}\n")


def pairs(path, out):
    taken = {name: 0 for name in NAMES}
    with open(path, encoding="utf-8") as source, open(out, "w", encoding="utf-8") as sink:
        sink.write("# english\tchinese\tenglish name\tchinese name\tattribution\n")
        for line in source:
            english, chinese, attribution = line.rstrip("\n").split("\t")
            for name, renderings in NAMES.items():
                if taken[name] >= PER_NAME:
                    continue
                if not re.search(r"(?<![A-Za-z])" + re.escape(name) + r"(?![a-z])", english):
                    continue
                found = next((r for r in renderings if r in chinese), None)
                if found:
                    taken[name] += 1
                    sink.write(f"{english}\t{chinese}\t{name}\t{found}\t{attribution}\n")
                    break


def gum(paths, out):
    """Every second Wikinews and Wikipedia document of GUM (by name), one
    `# newdoc` each: half of the 44 keeps the file small."""
    with open(out, "w", encoding="utf-8") as sink:
        for path in sorted(paths)[::2]:
            sink.write("# newdoc\n")
            reduce_conllu(path, sink, keep_newdoc=False)


if __name__ == "__main__":
    hk, cfl, ewt, cmn = sys.argv[1:5]
    gum(sys.argv[5:], "en-gum-news-wiki.txt")
    treebank(hk, "zh-hant-hk.txt")
    treebank(cfl, "zh-hans-cfl.txt")
    treebank(ewt, "en-ewt.txt")
    pairs(cmn, "en-zh-pairs.tsv")
