; The front matter is TOML.
((front_matter_content) @injection.content
  (#set! injection.language "toml"))
