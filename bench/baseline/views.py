from django.db import transaction
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .models import Item
from .tasks import process_item


@api_view(["GET"])
def hello(request):
    """(a) A small JSON document, no database."""
    return Response({"id": "8f0c2a9e-4f7b-4b7e-9d61-3c1f2d5e6a7b", "status": "succeeded", "ok": True, "n": 42})


class ItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    payload = serializers.DictField(required=False, default=dict)


@api_view(["POST"])
def create_item(request):
    """(b) Validate, insert one row and enqueue one Celery task after commit."""
    body = ItemSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    with transaction.atomic():
        item = Item.objects.create(**body.validated_data)
        transaction.on_commit(lambda: process_item.delay(item.pk))
    return Response({"id": item.pk, "name": item.name}, status=status.HTTP_201_CREATED)
