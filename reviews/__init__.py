"""The one review engine every reviewed, evidenced record goes through (quarterly forms, inspection issue
reports, monitoring results, follow-up actions, recommendations' analyses, and what comes next).

A new kind of reviewed record is a model subclassing ``ReviewedRecord`` (with a ``ReviewEvent`` subclass as its
``events`` and an ``EvidenceBase`` subclass as its ``evidence``), a moves table (usually
``reviewed_record_moves(...)``) and one ``engine.register(Kind(...))`` in its app's ``ready()``; its views call
``available_moves``, ``save_with_evidence`` and ``move`` and show refusals with ``reviews.http.refused``.

* :mod:`reviews.machine` — the state machine's parts: ``Transition``, ``lock`` (row lock + version check),
  ``check`` (state and right), ``record`` (save + event), ``note_change``, the errors (``WorkflowError``,
  ``NotAllowed``, ``ConflictError``, ``BadInput``), ``status_for`` (403/409/400) and ``parse_version``.
* :mod:`reviews.models` — the abstract ``ReviewedRecord`` (state, version, stamps, return reason) and
  ``ReviewEvent`` (who, when, from → to, reason, changes).
* :mod:`reviews.evidence` — ``EvidenceBase``, content sniffing, ``save_items``, ``atomic_with_files``,
  ``download_response``.
* :mod:`reviews.engine` — a ``Kind`` (model + moves table of ``Move``) per record, ``register``,
  ``available_moves(user, item)``, ``save_with_evidence(...)`` and ``move(...)``.
* :mod:`reviews.moves` — the standard moves table of a ``ReviewedRecord`` (submit, verify, return, approve and
  their stamps) built by ``reviewed_record_moves(office_of=…, may_write=…, ready=…)``.
* :mod:`reviews.forms` — ``EvidenceForm`` and ``IndicatorValueField``; :mod:`reviews.values` — the indicator
  result parser.
* :mod:`reviews.queues` — the registry of what waits in the review/approval queues (apps register in ready()).
* :mod:`reviews.http` — ``refused(request, error)``: the message on the page and the status.
"""
