"""The web app's routes; every page also checks the user's role (retain.web.access)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from retain.web.views import account, accounts, insights, lists, portfolio, settings, sources, tasks

urlpatterns = [
    path("", portfolio.portfolio, name="portfolio"),
    path("portfolio/trends/", portfolio.portfolio_trends),
    path("login/", auth_views.LoginView.as_view(template_name="retain/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/login/"), name="logout"),
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/export.csv", accounts.account_csv),
    path("accounts/views/", accounts.save_view),
    path("accounts/views/<int:pk>/delete/", accounts.delete_view),
    path("accounts/<int:pk>/", account.account_detail, name="account"),
    path("accounts/<int:pk>/mrr/", account.account_mrr),
    path("accounts/<int:pk>/timeline/", account.account_timeline),
    path("accounts/<int:pk>/notes/", account.add_note),
    path("accounts/<int:pk>/override/", account.override),
    path("at-risk/", lists.at_risk, name="at_risk"),
    path("expansion/", lists.expansion, name="expansion"),
    path("advocates/", lists.advocates, name="advocates"),
    path("tasks/", tasks.my_tasks, name="tasks"),
    path("tasks/<int:pk>/complete/", tasks.complete_task),
    path("cohorts/", insights.cohorts_page, name="cohorts"),
    path("cohorts/data/", insights.cohorts_fragment),
    path("surveys/", insights.surveys_page, name="surveys"),
    path("surveys/data/", insights.surveys_fragment),
    path("settings/", settings.overview, name="settings"),
    path("settings/users/", settings.users),
    path("settings/users/new/", settings.create_user),
    path("settings/users/<int:pk>/", settings.change_role),
    path("settings/tokens/", settings.api_tokens),
    path("settings/tokens/new/", settings.create_token),
    path("settings/tokens/<int:pk>/revoke/", settings.revoke_token),
    path("settings/sources/", sources.sources_page),
    path("settings/sources/new/", sources.create_source),
    path("settings/sources/<int:pk>/revoke/", sources.revoke_source),
    path("settings/sources/quarantine/<int:pk>/replay/", sources.replay_message),
    path("settings/sources/replay-all/", sources.replay_all),
    path("settings/scorecard/", settings.scorecard),
    path("settings/scorecard/check/", settings.scorecard_check),
    path("settings/scorecard/activate/", settings.scorecard_activate),
]
