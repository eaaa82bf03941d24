"""The command line: arguments parsed into questions (`commands`, `options`, `completion`), and
answers turned into text for a terminal or a file (`render`, `cells`, `output`, `cite`, `about`),
or served to a browser (`browse`). The only layer that knows about terminals.
"""
