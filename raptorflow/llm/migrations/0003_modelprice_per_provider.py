"""Prices per provider, step 1 of 2: give every kind-wide price row a provider.

Until now a price was kept per provider *kind* (``provider_kind``), so OpenAI and OpenRouter, both
OpenAI-compatible, had to share one price for a model name. From now on every row names its provider
(migration 0004 makes ``provider`` required and drops ``provider_kind``). Here:

- a row that already names a provider keeps it;
- a kind-wide row (no provider) becomes one row per provider of that kind, each with the same model,
  prices and ``effective_from``: the row itself goes to the first provider by name, copies to the others.
  A provider that already has its own row for that model and date keeps its own, and gets no copy;
- a kind-wide row of a kind that has **no provider is dropped**: nothing could be priced by it, and a
  provider added later needs its own price anyway (a paid call without one is refused, ``price_missing``).

The old unique constraint (kind, model, effective_from) is removed first, since the copies repeat it. The
schema change is a separate migration: on PostgreSQL, altering a table in the transaction that wrote rows
with foreign keys fails ("pending trigger events").

Backwards: every row gets its provider's kind back and, of the rows that then share (kind, model,
effective_from), only the oldest is kept, so the old constraint can return; a per-provider price that
differed from that row's is lost.
"""

from django.db import migrations


def prices_per_provider(apps, schema_editor):
    ModelPrice = apps.get_model("llm", "ModelPrice")
    Provider = apps.get_model("llm", "Provider")
    providers_by_kind = {}
    for provider in Provider.objects.order_by("name"):
        providers_by_kind.setdefault(provider.kind, []).append(provider)
    for price in ModelPrice.objects.filter(provider__isnull=True).order_by("pk"):
        _spread(ModelPrice, price, providers_by_kind.get(price.provider_kind, []))


def _spread(ModelPrice, price, providers):
    """One kind-wide row → one row per provider that has no row of its own for that model and date."""
    own = set(
        ModelPrice.objects.filter(
            provider__in=providers, model=price.model, effective_from=price.effective_from
        ).values_list("provider_id", flat=True)
    )
    wanting = [provider for provider in providers if provider.pk not in own]
    if not wanting:
        price.delete()
        return
    first, *others = wanting
    price.provider = first
    price.save(update_fields=["provider"])
    for provider in others:
        price.pk = None
        price.provider = provider
        price.save(force_insert=True)


def prices_per_kind(apps, schema_editor):
    ModelPrice = apps.get_model("llm", "ModelPrice")
    kept = set()
    for price in ModelPrice.objects.select_related("provider").order_by("pk"):
        key = (price.provider.kind, price.model, price.effective_from)
        if key in kept:
            price.delete()
            continue
        kept.add(key)
        price.provider_kind = price.provider.kind
        price.save(update_fields=["provider_kind"])


class Migration(migrations.Migration):

    dependencies = [
        ("llm", "0002_model_layer_v2"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="modelprice", name="modelprice_unique_from"),
        migrations.RunPython(prices_per_provider, prices_per_kind, elidable=False),
    ]
