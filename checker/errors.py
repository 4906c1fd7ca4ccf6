"""Errors a user can act on: each names the file, the field and, where known, the line."""


class InputError(Exception):
    """Bad input (request file or rule library). The CLI prints it on one line and exits 2."""

    def __init__(self, file, message, field=None, line=None):
        self.file = str(file)
        self.field = field
        self.line = line
        self.message = message
        super().__init__(self.one_line())

    def one_line(self):
        where = self.file + (f":{self.line}" if self.line else "")
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"
