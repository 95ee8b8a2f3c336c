"""Subject names in the active language (English or Urdu).

A dict, not gettext: Django's translations need .mo files compiled by GNU gettext's msgfmt (`manage.py
compilemessages`), one more system package and build step for two words per subject. In a real project, give the
model field `choices` with gettext_lazy labels and ship compiled .mo files; the HTTP side (LocaleMiddleware, Vary:
Accept-Language, per-language ETags) is the same.
"""
from django.utils import translation

SUBJECTS = {
    'mathematics': {'en': 'Mathematics', 'ur': 'ریاضی'},
    'english': {'en': 'English', 'ur': 'انگریزی'},
    'biology': {'en': 'Biology', 'ur': 'حیاتیات'},
    'chemistry': {'en': 'Chemistry', 'ur': 'کیمیا'},
    'physics': {'en': 'Physics', 'ur': 'طبیعیات'},
    'pakistan-studies': {'en': 'Pakistan Studies', 'ur': 'مطالعہ پاکستان'},
    'geography': {'en': 'Geography', 'ur': 'جغرافیہ'},
    'urdu': {'en': 'Urdu', 'ur': 'اردو'},
}

SUBJECT_CHOICES = [(code, names['en']) for code, names in SUBJECTS.items()]


def language():
    """The language LocaleMiddleware activated for this request ('en' or 'ur')."""
    return translation.get_language() or 'en'


def subject_name(code):
    """The subject's name in the active language; the code itself for an unknown subject."""
    names = SUBJECTS.get(code)
    if names is None:
        return code
    return names.get(language(), names['en'])
