import factory

from accounts.models import Office, User, UserRole, WorkGroup


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"OFF{n}")
    name = factory.Sequence(lambda n: f"สำนักงานเขตพื้นที่การศึกษาทดสอบ เขต {n}")
    kind = Office.Kind.PRIMARY
    province = "ตาก"


class WorkGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkGroup

    office = factory.SubFactory(OfficeFactory)
    code = factory.Sequence(lambda n: f"G{n}")
    name = factory.Sequence(lambda n: f"กลุ่มทดสอบ {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.go.th")
    full_name = factory.Sequence(lambda n: f"ผู้ใช้ ทดสอบ{n}")
    office = factory.SubFactory(OfficeFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            UserRole.objects.create(user=self, role=role)
        self.__dict__.pop("role_set", None)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if extracted:
            self.work_groups.set(extracted)
        self.__dict__.pop("group_ids", None)
        self.save()
