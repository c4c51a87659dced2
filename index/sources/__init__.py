"""Sources: where articles come from.

Feeds (RSS/Atom), web pages and local files are fetched safely (`safe_fetch`, `pinned_connect`,
`url_policy`: no private addresses, size and time limits), turned into text (`extraction`), and
read into `SourceDocument`s (`reading`, `local_files`, `feeds`). `registry` keeps the list of
sources an admin follows. Nothing here embeds or stores vectors.
"""
