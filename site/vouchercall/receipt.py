"""The application's receipt (ricevuta) as a PDF, made with fpdf2 (pure Python, maintained, no system libraries:
see README «Ricevuta»). Core fonts cover Latin-1, so Italian text prints as is; amounts are written in EUR."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF


def receipt_pdf(application) -> bytes:
    """A one-page A4 PDF: protocol code, sending date (Europe/Rome), guardian, children, ISEE declaration."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"{_('Ricevuta')} {application.protocol}")
    pdf.set_author("Comune di Milano — Milano 0.18")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _("Comune di Milano — Voucher Milano 0.18"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(0, 8, _("Ricevuta della domanda"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = [
        (_("Bando"), str(application.call)),
        (_("Protocollo"), application.protocol),
        (_("Inviata il"), date_format(timezone.localtime(application.sent_at), "j F Y, H:i")),
        (_("Stato"), str(application.get_state_display())),
        (_("Genitore"), f"{application.guardian.first_name} {application.guardian.last_name}".strip()),
        (_("Codice fiscale"), application.guardian.fiscal_code),
        (_("Tipo di ISEE"), str(application.get_isee_type_display())),
        (_("Valore ISEE"), f"{application.isee_value} EUR"),
        (_("Protocollo DSU"), application.dsu_protocol),
        (_("Data dell'attestazione"), date_format(application.isee_date, "j F Y")),
        (_("Minorenni nel nucleo"), str(application.minors_in_household)),
    ]
    for link in application.children.filter(active=True).select_related("child"):
        rows.append((_("Figlia o figlio"), f"{link.child.first_name} ({link.child.fiscal_code})"))
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(60, 8, label)
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 8, value.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        _(
            "In graduatoria la domanda compare solo con il codice di protocollo (D.Lgs. 33/2013, art. 26, c. 4). "
            "La domanda si può modificare o ritirare dall'area famiglia fino alla chiusura del bando."
        ),
    )
    return bytes(pdf.output())
