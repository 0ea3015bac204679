"""The one StreamField vocabulary every content page shares."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Testo"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Livello"), choices=[("h2", _("Titolo (H2)")), ("h3", _("Sottotitolo (H3)"))], default="h2"
    )

    class Meta:
        icon = "title"
        template = "theme/blocks/heading.html"
        label = _("Titolo")
        description = _("Un titolo di sezione: H2 per le sezioni, H3 per le sottosezioni.")
        preview_value = {"text": "Le azioni del progetto", "level": "h2"}


class RenditionsImageChooserBlock(ImageChooserBlock):
    """An image chooser whose images come with their renditions: a body with many images costs two queries.

    Wagtail's chooser reads the images of a StreamField in one query, then each `{% image %}` reads its
    rendition (one query per image). Migrations see Wagtail's own block (same stored value, same form).
    """

    def bulk_to_python(self, values):
        ids = list(values)
        images = self.model_class.objects.prefetch_renditions().in_bulk([pk for pk in ids if pk is not None])
        return [images.get(pk) for pk in ids]

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "wagtail.images.blocks.ImageChooserBlock", args, kwargs


class ImageBlock(blocks.StructBlock):
    image = RenditionsImageChooserBlock(label=_("Immagine"))
    alt_text = blocks.CharBlock(
        label=_("Testo alternativo"),
        required=False,
        help_text=_("Descrive l'immagine a chi non la vede. Lascia vuoto se l'immagine è solo decorativa."),
    )
    caption = blocks.CharBlock(label=_("Didascalia"), required=False)

    class Meta:
        icon = "image"
        template = "theme/blocks/image.html"
        label = _("Immagine")
        description = _("Un'immagine con testo alternativo e didascalia.")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Citazione"))
    attribution = blocks.CharBlock(label=_("Autore"), required=False)

    class Meta:
        icon = "openquote"
        template = "theme/blocks/quote.html"
        label = _("Citazione")
        description = _("Una citazione evidenziata con il suo autore.")
        preview_value = {
            "text": "Insieme è possibile migliorare le capacità di lettura dei bisogni del territorio.",
            "attribution": "WISH MI",
        }


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titolo"), max_length=120)
    text = blocks.TextBlock(label=_("Testo"), required=False)
    page = blocks.PageChooserBlock(label=_("Pagina di destinazione"), required=False)
    url = blocks.URLBlock(label=_("Oppure un indirizzo esterno"), required=False)
    button_label = blocks.CharBlock(label=_("Etichetta del pulsante"), max_length=60)

    class Meta:
        icon = "link"
        template = "theme/blocks/call_to_action.html"
        label = _("Invito all'azione")
        description = _("Un riquadro con un pulsante verso una pagina del sito o un indirizzo esterno.")
        preview_value = {
            "title": "Catalogo dei servizi 0-18 anni",
            "text": "Cerca le attività per bambine, bambini, ragazze e ragazzi.",
            "url": "https://example.org/catalogo/",
            "button_label": "Scopri il catalogo",
        }


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Documento"))
    title = blocks.CharBlock(label=_("Titolo da mostrare"), required=False)

    class Meta:
        icon = "doc-full"
        template = "theme/blocks/document.html"
        label = _("Documento")
        description = _("Un documento da scaricare, con formato e dimensione.")


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Testo"),
        icon="pilcrow",
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"],
        template="theme/blocks/paragraph.html",
        description=_("Testo formattato con grassetto, corsivo, elenchi e collegamenti."),
        preview_value="<p>Il progetto si rivolge a tutte le bambine, i bambini, le ragazze e i ragazzi.</p>",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    table = TableBlock(
        label=_("Tabella"),
        description=_("Una tabella con intestazione; usa la prima riga per i titoli delle colonne."),
    )
    document = DocumentBlock()
    embed = EmbedBlock(
        label=_("Contenuto incorporato"),
        icon="media",
        template="theme/blocks/embed.html",
        description=_("Un video o un contenuto esterno da un indirizzo (YouTube, Vimeo, ...)."),
    )
