"""Results that leave the app: the PDF report of one prediction and its FHIR R4 record.

Free of Flask and of the database session: :mod:`.content` turns a stored prediction into the
facts a report states, :mod:`.pdf` draws them, :mod:`.fhir` writes them as FHIR resources under
the code system of :mod:`.codes`. Access rules and the audit trail are
:mod:`pinkbreast.services.reports`' job.
"""
