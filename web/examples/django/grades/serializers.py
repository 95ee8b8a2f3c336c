from rest_framework import serializers

from grades.i18n import subject_name
from grades.models import Grade


class GradeSerializer(serializers.ModelSerializer):
    """A grade as the API shows it; only score can be written. subject is in the request's language."""

    subject = serializers.SerializerMethodField()
    updated = serializers.DateTimeField(source='updated_at', read_only=True)

    class Meta:
        model = Grade
        fields = ['id', 'student', 'subject', 'score', 'version', 'updated']
        read_only_fields = ['id', 'student', 'version']

    def get_subject(self, grade):
        return subject_name(grade.subject)
