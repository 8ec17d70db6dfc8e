"""`/api/v1/salesmen` (API.md)."""

import django_filters
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from invoicing.core.api.filtering import BooleanFilter
from invoicing.core.api.viewsets import WorkspaceViewSet
from workspaces.roles import FISCAL

from . import salesmen
from .models import Salesman


class SalesmanSerializer(serializers.ModelSerializer):
    commission_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,
                                               max_value=100, required=False)
    user_id = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = Salesman
        fields = ["id", "name", "email", "commission_rate", "user_id", "is_active"]


class SalesmanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    is_active = BooleanFilter()

    class Meta:
        model = Salesman
        fields: list[str] = []


class SalesmanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = Salesman.objects.all()
    serializer_class = SalesmanSerializer
    filterset_class = SalesmanFilter
    sort_fields = ("name", "commission_rate", "id")
    default_sort = "name"
    write_role = FISCAL

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        salesman = salesmen.salesman_create(workspace=self.workspace, actor=request.user,
                                            **serializer.validated_data)
        return Response(self.get_serializer(salesman).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        salesman = self.get_object()
        serializer = self.get_serializer(salesman, data=request.data,
                                         partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        salesman = salesmen.salesman_update(salesman=salesman, actor=request.user,
                                            **serializer.validated_data)
        return Response(self.get_serializer(salesman).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        salesmen.salesman_delete(salesman=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
