"""The permission matrix's register: for every model of the project, the tests that prove who may read and change
it (anonymous / without permission / permitted / restricted), or why it needs none.

``test_permission_matrix.py`` walks every concrete model of the project's apps and fails when one is in neither
table, when a model in MATRIX declares no ``access``, or when an entry names a test that does not exist. A new
model therefore joins this register with its tests (docs/adding-a-model.md).

An entry is "path/of/test_file.py::name", relative to the chainchief package: a test function, or ``ENDPOINTS``
(the generic table of api/tests/test_api_permissions.py, which must then hold the model). Every model with a list
API is also walked by ``test_permission_matrix.py::test_every_list_api`` (anonymous 401; the enterprise user and
the commissioner list only rows of their own enterprises; the enterprise user only its enterprise's chains), and by
``test_permission_matrix.py::test_no_write_outside_the_writers_region``: no region-wide role writes a row outside its
region — 青岛's office (another city), a district's office (below the city) and the province's office (above it,
which writes only provincial rows) are refused every change, deletion and addition of 潍坊's rows through the
permission filter, the services, the API and the Django admin; and by
``test_permission_matrix.py::test_the_enterprise_user_reads_no_other_enterprise_in_any_list_or_row`` and
``::test_the_enterprise_user_reads_no_other_enterprise_on_any_page``: no list, row, nested field or page of the ledger
(and of the models with an enterprise path) names to the enterprise user an enterprise other than its own.
"""

GENERIC = "api/tests/test_api_permissions.py::ENDPOINTS"
EVERY_LIST = "api/tests/test_permission_matrix.py::test_every_list_api"
NAMED_ONLY = "work/tests/test_ledger.py::test_an_enterprise_user_reads_of_the_ledger_only_what_names_its_enterprise"

MATRIX = {
    # reference data
    "core.Region": [GENERIC, "core/tests/test_permissions.py::test_reference_data_is_read_by_everyone_in_the_region_and_written_by_the_office"],
    "core.Department": [GENERIC, "chains/tests/test_reference_pages.py::test_a_department_of_another_region_is_refused_with_a_message"],
    "core.Person": [GENERIC, "chains/tests/test_reference_pages.py::test_read_only_roles_see_but_do_not_change"],
    "chains.ChainTier": [GENERIC],
    "chains.WorkModel": [GENERIC, "api/tests/test_api_permissions.py::test_another_citys_office_does_not_change_the_citys_work_model",
                         "api/tests/test_api_permissions.py::test_a_change_to_the_citys_rows_is_in_the_citys_audit_log_whoever_made_it"],
    "chains.WorkModelItem": [GENERIC, "api/tests/test_api_permissions.py::test_another_citys_office_does_not_change_the_citys_work_model"],
    # chains and what hangs off them
    "chains.Chain": [GENERIC, "core/tests/test_permissions.py::test_chain_scope", "chains/tests/test_pages.py::test_enterprise_user_sees_only_its_chains"],
    "chains.ChainRole": [GENERIC, "chains/tests/test_leaders.py::test_a_row_of_another_chain_is_not_found"],
    "chains.ChainDepartment": [GENERIC, "chains/tests/test_leaders.py::test_staff_of_the_lead_department_set_their_own_chain"],
    "chains.ChainLink": ["province/tests/test_province.py::test_who_reads_the_rollup",
                         "province/tests/test_province.py::test_the_province_office_reads_every_city_and_writes_only_provincial_rows",
                         EVERY_LIST],
    "chains.ChainWorkItem": [GENERIC, "api/tests/test_api_permissions.py::test_checklist_put"],
    # enterprises
    "enterprises.Enterprise": [GENERIC, "core/tests/test_permissions.py::test_enterprise_view_per_role", "enterprises/tests/test_pages.py::test_dept_scope"],
    "enterprises.Qualification": [GENERIC, "enterprises/tests/test_pages.py::test_read_only_roles_cannot_change_qualifications"],
    "enterprises.Membership": [GENERIC, "core/tests/test_permissions.py::test_membership_scope"],
    "enterprises.SupplyLink": ["enterprises/tests/test_supply_links.py::test_list_per_role", "enterprises/tests/test_supply_links.py::test_create_per_role",
                               "enterprises/tests/test_supply_links.py::test_changes_per_role", "enterprises/tests/test_supply_links.py::test_read_by_id_outside_scope_is_404"],
    "enterprises.CommissionerAssignment": ["enterprises/tests/test_commissioners.py::test_only_the_chain_office_assigns_and_every_change_is_audited",
                                           "enterprises/tests/test_commissioners.py::test_scope_follows_the_current_assignments"],
    "enterprises.Visit": ["enterprises/tests/test_commissioners.py::test_visits_per_role", EVERY_LIST],
    # chain maps
    "maps.Segment": ["maps/tests/test_api.py::test_who_may_add_a_segment", "maps/tests/test_api.py::test_dept_renames_only_its_chains",
                     "maps/tests/test_api.py::test_leader_reads_but_does_not_edit", "maps/tests/test_pages.py::test_leader_cannot_open_edit_page"],
    "maps.SegmentPlacement": ["maps/tests/test_api.py::test_enterprise_user_sees_its_chain_without_other_enterprises",
                              "maps/tests/test_api.py::test_placement_of_another_chain_is_refused", EVERY_LIST],
    "maps.KeyTechnology": ["maps/tests/test_api.py::test_technology_and_link_crud", EVERY_LIST],
    "maps.SegmentLink": ["maps/tests/test_api.py::test_technology_and_link_crud", EVERY_LIST],
    "maps.MapSettings": ["maps/tests/test_api.py::test_settings_change_the_verdicts", EVERY_LIST],
    "maps.StrengthOverride": ["maps/tests/test_api.py::test_override_needs_coordinator_and_reason"],
    # monthly figures and totals
    "monitoring.MonthlyStat": ["monitoring/tests/test_api_monitoring.py::test_enterprise_user_reads_only_its_figures",
                               "monitoring/tests/test_pages_figures.py::test_enterprise_user_sees_its_own_figures_and_no_other",
                               "monitoring/tests/test_pages_figures.py::test_commissioner_reads_its_enterprises_only_and_may_not_write",
                               "monitoring/tests/test_pages_figures.py::test_leader_reads_but_may_not_post"],
    "monitoring.ChainTarget": ["monitoring/tests/test_pages_settings.py::test_chief_sets_targets_of_its_own_chains_only",
                               "monitoring/tests/test_pages_settings.py::test_leader_reads_but_may_not_change", EVERY_LIST],
    "monitoring.MonitoringSettings": ["monitoring/tests/test_pages_settings.py::test_anonymous_goes_to_login_and_enterprise_users_get_403",
                                      "monitoring/tests/test_pages_settings.py::test_leader_reads_but_may_not_change"],
    "monitoring.ChainFigure": ["monitoring/tests/test_pages_monitoring.py::test_enterprise_user_gets_403_on_totals",
                               "monitoring/tests/test_pages_monitoring.py::test_officials_see_the_cockpit"],
    # the work ledger
    "work.Plan": ["work/tests/test_ledger.py::test_who_may_add_chain_entries", "work/tests/test_ledger.py::test_anonymous_gets_401_everywhere", EVERY_LIST, NAMED_ONLY],
    "work.Task": ["work/tests/test_tasks.py::test_list_per_role", "work/tests/test_tasks.py::test_create_per_role",
                  "work/tests/test_tasks.py::test_chain_staff_change_only_their_chains_tasks"],
    "work.TaskUpdate": ["work/tests/test_ledger.py::test_anonymous_gets_401_everywhere", "work/tests/test_ledger.py::test_pages_refuse_what_the_user_may_not_do", EVERY_LIST],
    "work.TaskUrge": ["web/tests/test_desk.py::test_urge_reminds_the_assignees_once_a_day_and_is_audited"],
    "work.Meeting": ["work/tests/test_ledger.py::test_who_may_add_chain_entries", EVERY_LIST],
    "work.Decision": ["work/tests/test_ledger.py::test_anonymous_gets_401_everywhere", "work/tests/test_ledger.py::test_pages_refuse_what_the_user_may_not_do", EVERY_LIST],
    "work.Research": ["work/tests/test_ledger.py::test_who_may_add_chain_entries", EVERY_LIST, NAMED_ONLY],
    "work.Finding": ["work/tests/test_ledger.py::test_anonymous_gets_401_everywhere", EVERY_LIST, NAMED_ONLY],
    "work.Alliance": ["work/tests/test_ledger.py::test_who_may_add_chain_entries", EVERY_LIST, NAMED_ONLY],
    "work.AllianceMember": ["work/tests/test_ledger.py::test_anonymous_gets_401_everywhere", EVERY_LIST, NAMED_ONLY],
    "work.AllianceActivity": [EVERY_LIST, "work/tests/test_ledger.py::test_ledger_pages_for_every_role"],
    "work.Policy": ["work/tests/test_ledger.py::test_anonymous_gets_401_everywhere", EVERY_LIST],
    "work.PolicyBenefit": ["work/tests/test_ledger.py::test_anonymous_gets_401_everywhere", EVERY_LIST],
    "work.KeyProject": ["work/tests/test_ledger.py::test_who_may_add_chain_entries", "imports/tests/test_work.py::test_a_chief_imports_projects_for_the_own_chain_only", EVERY_LIST],
    "work.ProjectMonth": ["work/tests/test_ledger.py::test_anonymous_gets_401_everywhere", EVERY_LIST],
    # investment attraction and supply matching
    "investment.ExternalEnterprise": ["investment/tests/test_investment.py::test_catalogue_validation_messages_are_chinese", "investment/tests/test_investment.py::test_anonymous_gets_401_on_every_list",
                                      "investment/tests/test_investment.py::test_only_who_may_add_to_the_catalogue_imports", EVERY_LIST],
    "investment.Lead": ["investment/tests/test_investment.py::test_who_may_add_a_lead", "investment/tests/test_investment.py::test_a_chief_reads_every_chains_leads_but_changes_its_own_only",
                        "investment/tests/test_investment.py::test_anonymous_gets_401_on_every_list", EVERY_LIST],
    "investment.LeadStep": ["investment/tests/test_investment.py::test_a_lead_moves_forward_only_each_move_in_its_history_and_the_change_log",
                            "investment/tests/test_investment.py::test_a_chief_reads_every_chains_leads_but_changes_its_own_only"],
    "investment.Need": ["investment/tests/test_investment.py::test_an_enterprise_user_posts_its_own_need", "investment/tests/test_investment.py::test_matches_follow_the_permission_filter", EVERY_LIST],
    "investment.Capability": ["investment/tests/test_investment.py::test_matches_follow_the_permission_filter", "investment/tests/test_investment.py::test_anonymous_gets_401_on_every_list", EVERY_LIST],
    "investment.Contact": ["investment/tests/test_investment.py::test_a_match_becomes_a_contact_record_with_an_outcome", "investment/tests/test_investment.py::test_anonymous_gets_401_on_every_list", EVERY_LIST],
    # industry analysis
    "insights.IOTable": ["insights/tests/test_insights.py::test_a_table_of_another_region_is_not_found",
                         "insights/tests/test_insights.py::test_only_the_chain_office_uploads_and_maps",
                         "insights/tests/test_insights.py::test_anonymous_gets_401_and_the_login_page"],
    "insights.IOSector": ["insights/tests/test_insights.py::test_only_the_chain_office_uploads_and_maps"],
    "insights.IOFlow": ["insights/tests/test_insights.py::test_a_table_of_another_region_is_not_found"],
    "insights.ReferenceTotal": ["insights/tests/test_insights.py::test_enterprise_user_reads_the_table_but_no_chain_revenue"],
    "insights.SegmentPresence": ["insights/tests/test_analytics.py::test_who_may_import_reference_data",
                                 "insights/tests/test_analytics.py::test_reference_page_for_readers_and_the_import_for_the_office",
                                 "insights/tests/test_analytics.py::test_anonymous_gets_401_everywhere"],
    "briefings.Briefing": ["briefings/tests/test_briefings.py::test_who_may_generate_and_read_which_issue",
                           "briefings/tests/test_briefings.py::test_a_one_pager_holds_only_what_its_author_may_see",
                           "briefings/tests/test_briefings.py::test_the_pages", EVERY_LIST],
    "briefings.DocumentNumber": ["briefings/tests/test_numbers.py::test_who_reads_and_writes_the_register",
                                 "briefings/tests/test_numbers.py::test_a_withdrawn_or_deleted_document_keeps_its_number"],
    # enterprise requests
    "appeals.Request": ["appeals/tests/test_requests.py::test_list_per_role", "appeals/tests/test_requests.py::test_create_per_role",
                        "appeals/tests/test_requests.py::test_changes_per_role", "appeals/tests/test_workflow.py::test_unknown_or_invisible",
                        "appeals/tests/test_workflow.py::test_a_department_sees_and_answers_what_is_assigned_to_it_in_any_chain"],
    "appeals.RequestEvent": ["appeals/tests/test_workflow.py::test_the_whole_path_with_who_may_take_each_step", "appeals/tests/test_pages.py::test_enterprise_sees_its_own_and_no_office_buttons"],
    "appeals.RequestDeadline": [EVERY_LIST, "appeals/tests/test_workflow.py::test_deadline_in_working_days_across_national_day"],
    # users, audit, imports
    "accounts.User": ["web/tests/test_pages.py::test_admin_for_admins_only", "accounts/tests/test_cached_access.py::test_a_role_change_counts_at_once",
                      "api/tests/test_api_permissions.py::test_another_citys_office_does_not_link_the_citys_accounts"],
    "audit.AuditEvent": ["core/tests/test_permissions.py::test_audit_is_for_admin_and_coordinator", "audit/tests/test_pages.py::test_who_may_see_the_audit_log",
                         "api/tests/test_api_permissions.py::test_audit_list_only_for_admin_and_coordinator",
                         "api/tests/test_api_permissions.py::test_a_change_to_the_citys_rows_is_in_the_citys_audit_log_whoever_made_it"],
    "imports.ImportBatch": ["imports/tests/test_api.py::test_leader_gets_403_and_others_do_not_see_batches", "imports/tests/test_imports.py::test_leader_cannot_import",
                            "imports/tests/test_imports.py::test_enterprise_user_imports_only_its_own_figures"],
}

# Models without ``access``: each with why, and the test that proves how they are reached instead.
EXEMPT = {
    "core.Stamp": ("the cache token, one row that no page or endpoint shows; written only by database triggers",
                   "core/tests/test_stamps.py::test_memo_recomputes_after_a_write_and_only_then"),
    "accounts.ApiToken": ("a user's own bearer tokens, stored as SHA-256, read by the authentication backend and listed "
                          "or revoked only as user=request.user (the tokens page, /api/v1/auth/tokens)",
                          "accounts/tests/test_tokens.py::test_a_user_lists_and_revokes_its_own_tokens"),
    "accounts.PasswordHistory": ("the hashes of a user's last passwords, read only by the password validator for that "
                                 "user, never shown", "accounts/tests/test_password_history.py::test_none_of_the_last_five_passwords_comes_back"),
    "accounts.Notification": ("a user's own inbox, always read as user=request.user",
                              "appeals/tests/test_workflow.py::test_the_whole_path_with_who_may_take_each_step"),
    "accounts.SavedView": ("a user's own saved filters, always read as user=request.user",
                           "appeals/tests/test_pages.py::test_saved_views_are_each_users_own"),
    "attachments.Attachment": ("a file is reached only through the row it is attached to, with sight of that row "
                               "(attachments.services checks the row's permission)", "attachments/tests/test_attachments.py::test_who_may_attach"),
    "imports.ImportRowChange": ("what an import batch wrote, read only through its batch (ImportBatch is restricted) "
                                "for the batch's rollback", "imports/tests/test_api.py::test_leader_gets_403_and_others_do_not_see_batches"),
    "imports.NameMatch": ("an import's remembered name → enterprise confirmations, used only inside an import run "
                          "by a user allowed to import", "imports/tests/test_imports.py::test_leader_cannot_import"),
}
