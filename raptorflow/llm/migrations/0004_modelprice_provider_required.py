"""Prices per provider, step 2 of 2: ``provider`` required, ``provider_kind`` gone, one price per
(provider, model, effective_from). Every row has a provider after 0003."""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("llm", "0003_modelprice_per_provider"),
    ]

    operations = [
        migrations.AlterField(
            model_name="modelprice",
            name="provider",
            field=models.ForeignKey(
                help_text="The provider this price is for: the same model name can cost differently at two providers.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="prices",
                to="llm.provider",
            ),
        ),
        # A default only so that the removal can be reversed on a table with rows (0003's reverse fills it in).
        migrations.AlterField(
            model_name="modelprice",
            name="provider_kind",
            field=models.CharField(
                choices=[
                    ("openai_compatible", "OpenAI-compatible (OpenAI, Azure, OpenRouter, Ollama, vLLM…)"),
                    ("anthropic", "Anthropic"),
                    ("offline", "Offline (deterministic, built in, no network)"),
                    ("scripted", "Scripted (replays a named script; tests and demos, never in production)"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.RemoveField(
            model_name="modelprice",
            name="provider_kind",
        ),
        migrations.AlterModelOptions(
            name="modelprice",
            options={"ordering": ["provider__name", "model", "-effective_from"]},
        ),
        migrations.AlterField(
            model_name="modelprice",
            name="cached_input_per_million",
            field=models.DecimalField(
                decimal_places=4,
                default=Decimal("0"),
                help_text="Input tokens read from the provider's prompt cache.",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
            ),
        ),
        migrations.AlterField(
            model_name="modelprice",
            name="input_per_million",
            field=models.DecimalField(
                decimal_places=4,
                help_text="Input tokens not read from or written to a cache.",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
            ),
        ),
        migrations.AlterField(
            model_name="modelprice",
            name="model",
            field=models.CharField(help_text="The model name as agent versions ask for it.", max_length=200),
        ),
        migrations.AlterField(
            model_name="modelprice",
            name="cache_write_per_million",
            field=models.DecimalField(
                decimal_places=4,
                default=Decimal("0"),
                help_text="Input tokens written to the provider's prompt cache (Anthropic: 1.25 × input). Where "
                "writes cost what input costs but are reported (OpenAI, OpenRouter), the input rate.",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
            ),
        ),
        migrations.AddConstraint(
            model_name="modelprice",
            constraint=models.UniqueConstraint(
                fields=("provider", "model", "effective_from"), name="modelprice_unique_from"
            ),
        ),
    ]
