//! The database enums of Coder's schema that coderlite stores as text: each a Rust enum with
//! its wire spelling (`as_str`, `parse`, JSON), the list of spellings the `q` parsers and
//! validators accept (`NAMES`) and the display text Coder's `Friendly` methods give.

/// Declares `pub enum $name` with `Variant = "wire" => "friendly"` entries.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal => $friendly:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every wire spelling, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The display text (Coder's `Friendly()` / `FriendlyString()`).
            pub fn friendly(self) -> &'static str {
                match self {
                    $($name::$variant => $friendly),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// `user_status`.
    UserStatus {
        Active = "active" => "active",
        Dormant = "dormant" => "dormant",
        Suspended = "suspended" => "suspended",
    }
}

text_enum! {
    /// `login_type`.
    LoginType {
        Password = "password" => "password",
        Github = "github" => "github",
        Oidc = "oidc" => "oidc",
        Token = "token" => "token",
        None = "none" => "none",
    }
}

text_enum! {
    /// `build_reason` (the newest enum: the Tasks values were removed).
    BuildReason {
        Initiator = "initiator" => "initiator",
        Autostart = "autostart" => "autostart",
        Autostop = "autostop" => "autostop",
        Dormancy = "dormancy" => "dormancy",
        Failedstop = "failedstop" => "failedstop",
        Autodelete = "autodelete" => "autodelete",
        Dashboard = "dashboard" => "dashboard",
        Cli = "cli" => "cli",
        SshConnection = "ssh_connection" => "ssh_connection",
        VscodeConnection = "vscode_connection" => "vscode_connection",
        JetbrainsConnection = "jetbrains_connection" => "jetbrains_connection",
    }
}

text_enum! {
    /// `audit_action`, with `codersdk.AuditAction.Friendly()`.
    AuditAction {
        Create = "create" => "created",
        Write = "write" => "updated",
        Delete = "delete" => "deleted",
        Start = "start" => "started",
        Stop = "stop" => "stopped",
        Login = "login" => "logged in",
        Logout = "logout" => "logged out",
        Register = "register" => "registered",
        RequestPasswordReset = "request_password_reset" => "password reset requested",
        Connect = "connect" => "connected",
        Disconnect = "disconnect" => "disconnected",
        Open = "open" => "opened",
        Close = "close" => "closed",
    }
}

text_enum! {
    /// `resource_type`, with `codersdk.ResourceType.FriendlyString()`.
    ResourceType {
        Template = "template" => "template",
        TemplateVersion = "template_version" => "template version",
        User = "user" => "user",
        Workspace = "workspace" => "workspace",
        WorkspaceBuild = "workspace_build" => "workspace",
        GitSshKey = "git_ssh_key" => "git ssh key",
        ApiKey = "api_key" => "token",
        Group = "group" => "group",
        License = "license" => "license",
        ConvertLogin = "convert_login" => "login type conversion",
        WorkspaceProxy = "workspace_proxy" => "workspace proxy",
        Organization = "organization" => "organization",
        HealthSettings = "health_settings" => "health_settings",
        NotificationsSettings = "notifications_settings" => "notifications_settings",
        PrebuildsSettings = "prebuilds_settings" => "prebuilds_settings",
        Oauth2ProviderSettings = "oauth2_provider_settings" => "oauth2 provider settings",
        IdpSyncSettingsOrganization = "idp_sync_settings_organization" => "settings",
        IdpSyncSettingsGroup = "idp_sync_settings_group" => "settings",
        IdpSyncSettingsRole = "idp_sync_settings_role" => "settings",
        Oauth2ProviderApp = "oauth2_provider_app" => "oauth2 app",
        Oauth2ProviderAppSecret = "oauth2_provider_app_secret" => "oauth2 app secret",
        CustomRole = "custom_role" => "custom role",
        OrganizationMember = "organization_member" => "organization member",
        NotificationTemplate = "notification_template" => "notification template",
        WorkspaceAgent = "workspace_agent" => "workspace agent",
        WorkspaceApp = "workspace_app" => "workspace app",
        Task = "task" => "task",
        AiSeat = "ai_seat" => "ai seat",
        AiProvider = "ai_provider" => "ai provider",
        AiProviderKey = "ai_provider_key" => "ai provider key",
        AiGatewayKey = "ai_gateway_key" => "ai gateway key",
        GroupAiBudget = "group_ai_budget" => "group ai budget",
        UserAiBudgetOverride = "user_ai_budget_override" => "user ai budget override",
        Chat = "chat" => "chat",
        ChatProject = "chat_project" => "chat project",
        McpServerConfig = "mcp_server_config" => "mcp server config",
        ChatModelConfig = "chat_model_config" => "chat model config",
        UserSecret = "user_secret" => "user secret",
        UserSkill = "user_skill" => "user skill",
        ChatInstructionSettings = "chat_instruction_settings" => "chat instruction settings",
        ChatOperationalSettings = "chat_operational_settings" => "chat operational settings",
        ExperimentRule = "experiment_rule" => "experiment rule",
        // coderlite's own (Coder has no such resources): retention purges and online backups.
        AuditLog = "audit_log" => "audit log",
        ConnectionLog = "connection_log" => "connection log",
        DatabaseBackup = "database_backup" => "database backup",
    }
}

text_enum! {
    /// `connection_type`.
    ConnectionType {
        Ssh = "ssh" => "SSH",
        Vscode = "vscode" => "VS Code",
        Jetbrains = "jetbrains" => "JetBrains",
        ReconnectingPty = "reconnecting_pty" => "Web Terminal",
        WorkspaceApp = "workspace_app" => "Workspace App",
        PortForwarding = "port_forwarding" => "Port Forwarding",
        Tunnel = "tunnel" => "Tunnel",
    }
}

impl ConnectionType {
    /// Recorded by coderd per request (`web_info`), never ongoing nor completed; the others
    /// are agent-reported sessions (`ssh_info`) with a connection id.
    pub fn is_web(self) -> bool {
        matches!(
            self,
            ConnectionType::WorkspaceApp | ConnectionType::PortForwarding | ConnectionType::Tunnel
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for rt in ResourceType::ALL {
            assert_eq!(ResourceType::parse(rt.as_str()), Some(*rt));
        }
        assert_eq!(ResourceType::WorkspaceBuild.friendly(), "workspace");
        assert_eq!(
            AuditAction::parse("write").map(AuditAction::friendly),
            Some("updated")
        );
        assert_eq!(
            LoginType::NAMES,
            ["password", "github", "oidc", "token", "none"]
        );
        assert_eq!(
            serde_json::to_string(&UserStatus::Dormant).ok().as_deref(),
            Some("\"dormant\"")
        );
        assert_eq!(BuildReason::parse("tasks"), None);
    }
}
