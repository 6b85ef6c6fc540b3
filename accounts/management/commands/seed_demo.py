from django.core.management.base import BaseCommand

from accounts import demo as accounts_demo
from plans import demo as plans_demo


class Command(BaseCommand):
    help = "Create or refresh the demo offices, groups, users, fiscal years and calendar (idempotent)."

    def handle(self, *args, **options):
        result = accounts_demo.seed()
        plans_demo.seed([result["main"], result["second"]])
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/ with:"))
        self.stdout.write(f"  password for every demo account: {accounts_demo.DEMO_PASSWORD}")
        for user in result["users"]:
            roles = ", ".join(user.role_labels())
            self.stdout.write(f"  {user.email:<34} {roles:<40} {user.office.code}")
