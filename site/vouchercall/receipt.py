"""The application's receipt (ricevuta) as a PDF, made with fpdf2 (pure Python, maintained, no system libraries:
see README «Receipt»). The PDF core fonts cover Latin-1: Italian prints as is, typographic dashes and quotes become
their plain forms, other letters lose their accents (NFKD) or, failing that, print as «?». Amounts are in EUR."""

import unicodedata

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

# Typographic characters outside Latin-1 → their plain forms (em and en dash, quotes, ellipsis, euro sign).
PLAIN = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u20ac": "EUR",
    }
)


def latin1(text) -> str:
    """`text` in the core fonts' Latin-1, keeping every letter it can."""
    out = []
    for char in str(text).translate(PLAIN):
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def receipt_pdf(application) -> bytes:
    """A one-page A4 PDF: protocol code, sending date (Europe/Rome), guardian, children, ISEE declaration."""
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"{_('Ricevuta')} {application.protocol}"))
    pdf.set_author("Comune di Milano - Milano 0.18")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, latin1(_("Comune di Milano - Voucher Milano 0.18")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(0, 8, latin1(_("Ricevuta della domanda")), new_x="LMARGIN", new_y="NEXT")
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
        pdf.cell(60, 8, latin1(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 8, latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        latin1(
            _(
                "In graduatoria la domanda compare solo con il codice di protocollo (D.Lgs. 33/2013, art. 26, c. 4). "
                "La domanda si può modificare o ritirare dall'area famiglia fino alla chiusura del bando."
            )
        ),
    )
    return bytes(pdf.output())
