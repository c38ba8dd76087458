from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.actors.api.serializers import ActorSerializer
from apps.actors.models import Actor
from apps.projects.api.schema import SCOPED, errors
from apps.projects.inputs import fits_id
from apps.projects.models import Role
from apps.projects.permissions import ProjectScopedMixin

from ..merge import merge_actors
from .schema import MergeRequestSerializer, MergeResultSerializer


class MergeActorView(ProjectScopedMixin, APIView):
    """Merge this actor into another: `{"into": survivor_id}`. Every mention
    follows the survivor; the merged actor stays listed with `merged_into`."""

    roles = {"POST": Role.REVIEWER}

    @extend_schema(
        request=MergeRequestSerializer,
        responses={200: MergeResultSerializer, **errors(400, *SCOPED, 409)},
    )
    def post(self, request, *args, **kwargs):
        source = Actor.objects.filter(project=self.project, pk=kwargs["actor_pk"]).first()
        if source is None:
            raise Http404
        into = request.data.get("into") if isinstance(request.data, dict) else None
        if not fits_id(into):
            raise ValidationError({"into": "is required: the id of the actor that survives."})
        survivor = Actor.objects.filter(project=self.project, pk=into).first()
        if survivor is None:
            raise ValidationError({"into": f"There is no actor {into} in this project."})
        moved = merge_actors(source, survivor, request.user)
        survivor = Actor.objects.prefetch_related("aliases").get(pk=survivor.pk)
        data = ActorSerializer(survivor, context={"project": self.project}).data
        return Response({"survivor": data, "merged": source.pk, "mentions_moved": moved})
