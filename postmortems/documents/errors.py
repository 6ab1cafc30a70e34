"""The one error every reader raises: the document is refused whole, at a line, for a reason."""


class MalformedDocument(ValueError):
    def __init__(self, line, reason):
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")
