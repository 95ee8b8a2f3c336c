"""The seed rows: the same twelve grades as the repository's Go demo server."""
from django.db import migrations

SEED = [
    ('Ayesha Khan', 'mathematics', 78),
    ('Bilal Ahmed', 'english', 64),
    ('Fatima Malik', 'biology', 91),
    ('Hamza Qureshi', 'chemistry', 55),
    ('Sana Baloch', 'physics', 83),
    ('Usman Tariq', 'pakistan-studies', 70),
    ('Zainab Shah', 'geography', 88),
    ('Hassan Ali', 'urdu', 74),
    ('Mariam Iqbal', 'mathematics', 95),
    ('Omar Farooq', 'english', 61),
    ('Noor Fatima', 'biology', 67),
    ('Ali Raza', 'chemistry', 80),
]


def seed(apps, schema_editor):
    Grade = apps.get_model('grades', 'Grade')
    Grade.objects.bulk_create(Grade(student=s, subject=sub, score=n) for s, sub, n in SEED)


def unseed(apps, schema_editor):
    apps.get_model('grades', 'Grade').objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [('grades', '0001_initial')]
    operations = [migrations.RunPython(seed, unseed)]
