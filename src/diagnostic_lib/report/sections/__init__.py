"""The sections of the report, one file each, in the order they appear.

``executive_summary``, ``step1`` (crime problems and security issues),
``step2`` (preventive measures), ``step3`` (effectiveness, relevance and
risks: :func:`~diagnostic_lib.report.evaluation_section`), ``step4``
(strategies and the action plan), ``methods`` (method notes) and ``ledger``
(data quality). Each writes into a
:class:`~diagnostic_lib.report.sections.context.SectionContext`: the document,
its language and audience, and the tables collected for the workbook.
"""
