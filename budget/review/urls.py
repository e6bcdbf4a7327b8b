"""budget.review: its pages, in the ``budget:`` namespace (budget/urls.py)."""

from django.urls import path

from budget.review import views

urlpatterns = [
    path("budget/review/", views.review_queue, name="review_queue"),
    path("budget/projects/<int:pk>/review/", views.review, name="review"),
]
