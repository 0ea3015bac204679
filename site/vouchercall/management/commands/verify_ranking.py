"""`manage.py verify_ranking <id>`: recompute a stored ranking from its frozen inputs; fail on any difference."""

from django.core.management.base import BaseCommand, CommandError

from core.audit import log_action
from vouchercall import services
from vouchercall.models import Ranking


class Command(BaseCommand):
    help = "Ricalcola una graduatoria dai suoi input e fallisce se qualcosa è diverso (impronta, ordine, finanziate)."

    def add_arguments(self, parser):
        parser.add_argument("ranking_id", type=int)

    def handle(self, *args, ranking_id: int, **options):
        ranking = Ranking.objects.filter(pk=ranking_id).select_related("call").first()
        if ranking is None:
            raise CommandError(f"Nessuna graduatoria con id {ranking_id}.")
        result = services.verify(ranking)
        log_action(
            None,
            "vouchercall.ranking.verified",
            ranking,
            {"ok": result.ok, "differences": len(result.differences)},
            actor_label="verify_ranking",
        )
        if not result.ok:
            for difference in result.differences[:50]:
                self.stderr.write(difference)
            raise CommandError(f"Graduatoria {ranking_id}: {len(result.differences)} differenze.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Graduatoria {ranking_id} ({ranking.get_kind_display()}): identica, "
                f"{ranking.funded_count} finanziate, impronta {ranking.inputs_hash}."
            )
        )
