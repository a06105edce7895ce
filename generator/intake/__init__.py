"""Returns into a round: returned forms, batch registers and folders of returns read as a round's records.

``loader.ReturnsLoader`` is the :class:`generator.rounds.sources.Loader` that
``commission evaluate`` hands the round: a ``.docx``, ``.pdf`` or ``.odt`` entry
is parsed as any return is (``generator.returns.parse``); a register is read
for the current return of each bid (the batch knows which are superseded,
duplicated or gone); a folder of returns is batched into a work folder first,
so it is judged by exactly the batch's rules. A bid without a reference is
given the next one and the register keeps it. Every invalid or unreadable
return is handed to the round as a problem naming the return and the question.

It uses ``batch``, ``returns``, the form model and the round's loader
interface; nothing but the command line imports it.
"""
