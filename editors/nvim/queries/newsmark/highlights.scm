; Front matter fences; the TOML inside is injected (see injections.scm).
(front_matter_delimiter) @punctuation.delimiter

; Spans: [text]{attributes}
(span "[" @punctuation.bracket "]" @punctuation.bracket)
(attributes "{" @punctuation.bracket "}" @punctuation.bracket)
(entity_ref) @variable
(kind) @type
(anchor) @label
(property key: (key) @property "=" @operator)
(property value: (string) @string)
(property value: (value) @string.special)
(flag) @attribute

(escape) @string.escape

; CriticMarkup
(correction ["{~~" "~>" "~~}"] @punctuation.special)
(correction original: (critic_text) @markup.strikethrough)
(correction replacement: (critic_text) @markup.underline)
(comment ["{>>" "<<}"] @punctuation.special)
(comment (critic_text) @comment)
(highlight ["{==" "==}"] @punctuation.special)
(highlight (critic_text) @markup.strong)
(insertion ["{++" "++}"] @punctuation.special)
(insertion (critic_text) @diff.plus)
(deletion ["{--" "--}"] @punctuation.special)
(deletion (critic_text) @diff.minus)
