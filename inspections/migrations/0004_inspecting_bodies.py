"""Inspecting bodies become data: a list per office (the four defaults seeded here), and each inspection
round points at one instead of carrying a fixed code."""

import django.db.models.deletion
from django.db import migrations, models

# code, Thai name, report layout, order — the defaults every office starts with.
DEFAULTS = [
    ("obec", "ผู้ตรวจราชการ สพฐ.", "obec", 1),
    ("moe", "ผู้ตรวจราชการกระทรวงศึกษาธิการ", "obec", 2),
    ("pmo", "การตรวจราชการแบบบูรณาการ สำนักนายกรัฐมนตรี", "pmo", 3),
    ("province", "ผู้ตรวจราชการสำนักงานจังหวัด", "pmo", 4),
]


def seed_and_point(apps, schema_editor):
    Office = apps.get_model("accounts", "Office")
    InspectingBody = apps.get_model("inspections", "InspectingBody")
    InspectionRound = apps.get_model("inspections", "InspectionRound")
    for office in Office.objects.all():
        for code, name, layout, order in DEFAULTS:
            InspectingBody.objects.get_or_create(office=office, code=code,
                                                 defaults={"name": name, "layout": layout, "order": order})
    for inspection_round in InspectionRound.objects.all():
        inspection_round.inspecting_body = InspectingBody.objects.get(office_id=inspection_round.office_id,
                                                                      code=inspection_round.body or "obec")
        inspection_round.save(update_fields=["inspecting_body"])


def point_back(apps, schema_editor):
    InspectionRound = apps.get_model("inspections", "InspectionRound")
    for inspection_round in InspectionRound.objects.select_related("inspecting_body"):
        code = inspection_round.inspecting_body.code
        inspection_round.body = code if code in ("obec", "moe", "pmo") else "obec"
        inspection_round.save(update_fields=["body"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("inspections", "0003_recommendation_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="InspectingBody",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=20, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("layout", models.CharField(choices=[("obec", "OBEC layout (issue by issue)"),
                                                     ("pmo", "PMO integrated inspection layout (one table)")],
                                            default="obec", max_length=8, verbose_name="round report layout")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                ("is_active", models.BooleanField(default=True, verbose_name="in use")),
                ("office", models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE,
                                             related_name="inspecting_bodies", to="accounts.office")),
            ],
            options={"verbose_name": "inspecting body", "verbose_name_plural": "inspecting bodies",
                     "ordering": ["office", "order", "id"]},
        ),
        migrations.AddConstraint(
            model_name="inspectingbody",
            constraint=models.UniqueConstraint(fields=("office", "code"), name="inspecting_body_unique_code"),
        ),
        migrations.AddField(
            model_name="inspectionround",
            name="inspecting_body",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="rounds",
                                    to="inspections.inspectingbody"),
        ),
        migrations.RunPython(seed_and_point, point_back),
        migrations.RemoveField(model_name="inspectionround", name="body"),
        migrations.RenameField(model_name="inspectionround", old_name="inspecting_body", new_name="body"),
        migrations.AlterField(
            model_name="inspectionround",
            name="body",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="rounds",
                                    to="inspections.inspectingbody", verbose_name="inspected by"),
        ),
    ]
