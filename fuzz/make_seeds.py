"""Writes the seed corpora under fuzz/corpus/ from the repository's own
texts: the annotated seed articles and their scraped texts, the input of
every case in grammar/test/corpus/*.txt, the fixtures of the rule and
editor-feature tests, hand-made Unicode and line-ending texts, and the inputs
of crashes the fuzzers found. Run from anywhere: `python3 fuzz/make_seeds.py`
(it overwrites seeds of the same name and deletes nothing)."""

import re, os, glob, hashlib, random
R = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
F = R + '/fuzz/corpus'
random.seed(7)
def write(target, name, data):
    d = f'{F}/{target}'
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(f'{d}/{name}', 'wb') as f:
        f.write(data)

# grammar test cases: every construct and every error case
cases = []
for path in sorted(glob.glob(R + '/grammar/test/corpus/*.txt')):
    stem = os.path.basename(path)[:-4]
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        if re.fullmatch(r'=+', lines[i]) and i + 2 < len(lines) and re.fullmatch(r'=+', lines[i + 2]):
            name = lines[i + 1]
            j = i + 3
            body = []
            while j < len(lines) and not re.fullmatch(r'-{3,}', lines[j]):
                body.append(lines[j])
                j += 1
            src = '\n'.join(body)
            # tree-sitter test drops the newline before the dashes
            if src.endswith('\n'):
                src = src[:-1]
            slug = re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')[:40]
            cases.append((f'grammar-{stem}-{slug}', src))
            i = j
        else:
            i += 1

unicode = {
    'korean': '+++\nid = "k"\ntitle = "북한, 러시아에 무기 수출 안 해"\npublished = 2022-09-22\nlang = "ko"\n+++\n[북한]{@prk}은 [“러시아에 무기를 수출한 적이 없다”]{.quote by=@prk}고 [22일]{.date when=2022-09-22} 밝혔다.\n',
    'emoji': 'Breaking 😀 news: [🇰🇷 Seoul]{@seoul .place} says [“👍 fine”]{.quote by=@kor} {~~😀~>🙂~~} {>>note 🧪<<}\n',
    'crlf': '+++\r\nid = "c"\r\npublished = 2022-09-22\r\n+++\r\n[North Korea]{@prk} said\r\n\r\non [Thursday]{.date when=2022-09-22}.\r\n{~~tesing~>testing~~}\r\n',
    'lone-cr': 'line one\rline [two]{@a}\r\rthree\r\n[x\r]{@b}',
    'combining': 'Cafe\u0301 [Zoe\u0308]{@zoe} \u1100\u1161\u11a8 \\[e\u0301\\]\n',
    'nul-and-controls': 'a\u0000b [c\u0000]{@d}\u0007\u001b[0m\n',
    'bom': '\ufeff+++\nid = "b"\n+++\ntext\n',
    'escapes-everywhere': '\\[ \\] \\{ \\} \\\\ \\@ [a \\] b]{@c key="x \\" y"} {\\~~ not critic\n',
    'nested-deep': '[' * 40 + 'x' + ']{@a}' * 40 + '\n',
    'unclosed-everything': '+++\nid = "u\n[a]{@b key="c\n{~~d~>e\n{>>f\n[g\n',
}

articles = sorted(glob.glob(R + '/corpus/*.news'))
raws = sorted(glob.glob(R + '/corpus/raw/*.txt'))

# parse: articles, raw scraped text (for import/strip), grammar cases, unicode
for a in articles:
    write('parse', 'article-' + os.path.basename(a)[:3] + '.news', open(a, 'rb').read())
for r in raws:
    write('parse', 'raw-' + os.path.basename(r)[:3] + '.txt', open(r, 'rb').read())
for name, src in cases:
    write('parse', name, src)
for name, src in unicode.items():
    write('parse', 'text-' + name, src)
# Crashes found by fuzzing (docs/reliability.md, Findings).
write('parse', 'crash-front-matter-mid-text', '[\u201d]+++\nid"[rwsj-202rnth key=i"c\n{]{{@rus} With Weaons\n\n[NoFir[Nh,\n[TuesdasecBBBBB r\n')
write('parse', 'crash-lone-cr', 'a\rb')

# lsp_edits: grammar cases and unicode (edits from their own bytes), two
# articles, and a few with an explicit edit script after 0xFF
for name, src in cases:
    write('lsp_edits', name, src)
for name, src in unicode.items():
    write('lsp_edits', 'text-' + name, src)
for a in articles[:2]:
    # The front matter and the first paragraphs: big enough to hold every
    # construct, small enough to keep each run fast (two parses per change).
    text = open(a, encoding='utf-8').read()
    cut = text.rfind('\n', 0, 1800)
    write('lsp_edits', 'article-' + os.path.basename(a)[:3] + '-start.news', text[:cut + 1])
for name, src in list(unicode.items())[:4] + cases[:6]:
    script = bytes(random.randrange(0, 255) for _ in range(96))
    write('lsp_edits', 'script-' + name, src.encode() + b'\xff' + script)

# checks: the rule and editor-feature test fixtures, and one slice of the
# shipped corpus (two articles, the registry, the config)
def rust_strings(src):
    """(start, value) of every string literal in Rust source."""
    out = []
    i = 0
    while i < len(src):
        c = src[i]
        if src.startswith('//', i) and not src.startswith('//-', i):
            i = src.find('\n', i)
            if i < 0:
                break
            continue
        if c == "'" :
            m = re.match(r"'(\\.|[^\\'])'", src[i:])
            i += len(m.group(0)) if m else 1
            continue
        m = re.match(r'r(#*)"', src[i:])
        if m and (i == 0 or not (src[i-1].isalnum() or src[i-1] == '_')):
            close = '"' + m.group(1)
            end = src.index(close, i + len(m.group(0)))
            out.append((i, src[i + len(m.group(0)):end]))
            i = end + len(close)
            continue
        if c == '"':
            j = i + 1
            buf = []
            while src[j] != '"':
                if src[j] == '\\':
                    e = src[j + 1]
                    if e == 'n': buf.append('\n')
                    elif e == 'r': buf.append('\r')
                    elif e == 't': buf.append('\t')
                    elif e == '0': buf.append('\0')
                    elif e == 'u':
                        k = src.index('}', j)
                        buf.append(chr(int(src[j + 3:k], 16)))
                        j = k - 1
                    elif e == '\n':
                        j += 2
                        while src[j] in ' \t\n':
                            j += 1
                        continue
                    else: buf.append(e)
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            out.append((i, ''.join(buf)))
            i = j + 1
            continue
        i += 1
    return out

fixtures = []
for path in sorted(glob.glob(R + '/server/src/checks/*.rs') + glob.glob(R + '/server/src/ide/*.rs')):
    src = open(path, encoding='utf-8').read()
    t = src.find('#[cfg(test)]\nmod tests')
    if t < 0:
        continue
    for start, body in rust_strings(src[t:]):
        before = src[t:][max(0, start - 12):start]
        if 'expect![[' in before or len(body) < 24 or ' ' not in body:
            continue
        fixtures.append((os.path.basename(path)[:-3], body.replace('$0', '')))
seen = set()
n = {}
for stem, body in fixtures:
    h = hashlib.sha1(body.encode()).hexdigest()
    if h in seen:
        continue
    seen.add(h)
    n[stem] = n.get(stem, 0) + 1
    write('checks', f'{stem}-{n[stem]}', body)
shipped = ''
for a in articles[:2]:
    shipped += '//- /' + os.path.basename(a) + '\n' + open(a, encoding='utf-8').read()
shipped += '//- /entities.toml\n' + open(R + '/corpus/entities.toml', encoding='utf-8').read()
shipped += '//- /newsmark.toml\n' + open(R + '/corpus/newsmark.toml', encoding='utf-8').read()
write('checks', 'shipped-000-001', shipped)
write('checks', 'unicode-crlf', '//- /a.news\n' + unicode['crlf'] + '//- /b.news\n' + unicode['korean'] + '//- /entities.toml\r\n[prk]\r\nkind = "country"\r\nname = "North Korea"\r\naka = ["북한"]\r\n[claims.x]\r\nby = "@prk"\r\ntext = "😀"\r\n')
