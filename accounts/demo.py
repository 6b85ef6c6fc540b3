"""Demo offices, groups and one user per role (``manage.py seed_demo``)."""

from django.db import transaction

from .models import Office, Role, User, UserRole, WorkGroup

DEMO_PASSWORD = "tidtam-demo-2569"

STANDARD_GROUPS = [
    ("ADM", "กลุ่มอำนวยการ", "General Administration Group"),
    ("PLAN", "กลุ่มนโยบายและแผน", "Policy and Planning Group"),
    ("FIN", "กลุ่มบริหารงานการเงินและสินทรัพย์", "Finance and Assets Group"),
    ("HR", "กลุ่มบริหารงานบุคคล", "Personnel Administration Group"),
    ("PROMO", "กลุ่มส่งเสริมการจัดการศึกษา", "Educational Promotion Group"),
    ("SUP", "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา", "Supervision, Monitoring and Evaluation Group"),
    ("DIST", "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร", "Distance Education and ICT Group"),
    ("LAW", "กลุ่มกฎหมายและคดี", "Legal Affairs Group"),
    ("DEV", "กลุ่มพัฒนาครูและบุคลากรทางการศึกษา", "Teacher and Personnel Development Group"),
    ("AUDIT", "หน่วยตรวจสอบภายใน", "Internal Audit Unit"),
]

# (e-mail local part, full name, position, roles, group codes)
MAIN_USERS = [
    ("planning", "นางสาวพิมพ์ชนก วงศ์ใหญ่", "นักวิเคราะห์นโยบายและแผนชำนาญการ", [Role.PLANNING], ["PLAN"]),
    ("owner", "นายสมชาย ใจดี", "ศึกษานิเทศก์ชำนาญการพิเศษ", [Role.OWNER], ["PROMO"]),
    ("owner2", "นางวิไลวรรณ ศรีสุข", "นักวิชาการศึกษาชำนาญการ", [Role.OWNER], ["SUP"]),
    ("head", "นายประเสริฐ มั่นคง", "ผู้อำนวยการกลุ่มส่งเสริมการจัดการศึกษา", [Role.GROUP_HEAD, Role.OWNER], ["PROMO"]),
    ("finance", "นางสุดารัตน์ ทองคำ", "นักวิชาการเงินและบัญชีชำนาญการ", [Role.FINANCE], ["FIN"]),
    ("director", "ดร.วีระพงษ์ ประเสริฐศักดิ์", "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา", [Role.DIRECTOR], []),
    ("committee", "นายอนันต์ รักษ์ถิ่น", "กรรมการ ก.ต.ป.น.", [Role.COMMITTEE], []),
    ("admin", "นายธนากร คอมพิวเตอร์", "นักวิชาการคอมพิวเตอร์", [Role.ADMIN], ["PLAN"]),
]


def _user(email, full_name, position, office, roles, groups) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "position": position, "office": office}
    )
    user.full_name, user.position, user.office = full_name, position, office
    user.is_staff = Role.ADMIN in roles
    user.set_password(DEMO_PASSWORD)
    user.save()
    for role in roles:
        UserRole.objects.get_or_create(user=user, role=role)
    UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
    user.work_groups.set(groups)
    return user


def _office(code, **fields) -> Office:
    office, _ = Office.objects.update_or_create(code=code, defaults=fields)
    return office


def seed_groups(office) -> dict[str, WorkGroup]:
    groups = {}
    for order, (code, name, name_en) in enumerate(STANDARD_GROUPS, start=1):
        groups[code], _ = WorkGroup.objects.update_or_create(
            office=office, code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
    return groups


@transaction.atomic
def seed() -> dict:
    """Create (or bring back to their demo state) the demo offices, groups and users."""
    obec = _office(
        "OBEC", name="สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน", name_en="Office of the Basic Education Commission",
        kind=Office.Kind.OBEC, province="กรุงเทพมหานคร", parent=None,
    )
    main = _office(
        "SPM12", name="สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 12",
        name_en="Secondary Educational Service Area Office 12", kind=Office.Kind.SECONDARY,
        province="ตรัง", parent=obec,
    )
    second = _office(
        "SPPTAK2", name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตาก เขต 2",
        name_en="Tak Primary Educational Service Area Office 2", kind=Office.Kind.PRIMARY,
        province="ตาก", parent=obec,
    )
    main_groups = seed_groups(main)
    second_groups = seed_groups(second)
    users = []
    for local, name, position, roles, codes in MAIN_USERS:
        users.append(_user(f"{local}@spm12.example.go.th", name, position, main, roles,
                           [main_groups[c] for c in codes]))
    users.append(_user("planning@tak2.example.go.th", "นางสาวกานดา แสนดี", "นักวิเคราะห์นโยบายและแผน",
                       second, [Role.PLANNING], [second_groups["PLAN"]]))
    users.append(_user("owner@tak2.example.go.th", "นายบุญมี ขยันงาน", "ศึกษานิเทศก์",
                       second, [Role.OWNER], [second_groups["PROMO"]]))
    users.append(_user("central@obec.example.go.th", "นางรัตนา ส่วนกลาง", "นักวิเคราะห์นโยบายและแผน สพฐ.",
                       obec, [Role.CENTRAL], []))
    return {"offices": [obec, main, second], "main": main, "second": second, "users": users}
