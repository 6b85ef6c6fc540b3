from django.core.management.base import BaseCommand

from accounts import demo as accounts_demo
from inspections import demo as inspections_demo
from plans import demo as plans_demo
from projects import demo as projects_demo
from projects import demo_reports


class Command(BaseCommand):
    help = "Create or refresh the demo offices, groups, users, fiscal years and calendar (idempotent)."

    def handle(self, *args, **options):
        result = accounts_demo.seed()
        years = plans_demo.seed([result["main"], result["second"]])
        main = result["main"]
        owners = {}
        for user in result["users"]:
            if user.office_id == main.pk and user.has_role("owner"):
                for group in user.work_groups.all():
                    owners.setdefault(group.code, []).append(user)
        projects_demo.seed(years[(main.code, 2569)], owners_by_group=owners)
        demo_reports.seed(years[(main.code, 2569)])
        inspections_demo.seed(years[(main.code, 2569)])
        projects_demo.seed_plan_tree(years[(result["second"].code, 2569)])
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/ with:"))
        self.stdout.write(f"  password for every demo account: {accounts_demo.DEMO_PASSWORD}")
        for user in result["users"]:
            roles = ", ".join(user.role_labels())
            self.stdout.write(f"  {user.email:<34} {roles:<40} {user.office.code}")
