"""An installation of before, which kept one committee's records, keeps them all under that
committee: "Đảng bộ phường Cầu Thia". Its years, areas, targets and cells become its, and every
user account works for it. A new installation (nothing kept yet) starts with no committee."""

from django.db import migrations

NAME, KEY = "Đảng bộ phường Cầu Thia", "cau-thia"


def one_committee(apps, schema_editor):
    roots = [
        apps.get_model("targets", name) for name in ("Year", "Area", "Target")
    ] + [apps.get_model("cells", "Cell")]
    User = apps.get_model("auth", "User")
    if not any(model.objects.exists() for model in [*roots, User]):
        return
    Committee = apps.get_model("committees", "Committee")
    committee, _ = Committee.objects.get_or_create(slug=KEY, defaults={"name": NAME})
    Committee.objects.filter(pk=committee.pk, superior=None).update(lineage=f"/{committee.pk}/")
    for model in roots:
        model.objects.filter(committee=None).update(committee=committee)
    Account = apps.get_model("committees", "Account")
    Account.objects.bulk_create(
        Account(user=user, committee=committee) for user in User.objects.filter(account=None)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_committees"),
        ("targets", "0019_committee"),
        ("cells", "0010_committee"),
    ]

    operations = [migrations.RunPython(one_committee, migrations.RunPython.noop, elidable=False)]
