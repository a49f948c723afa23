//! The AI Gateway pick-lists: `GET /ai-gateway/models`, `/clients` (both prefixes) and
//! `/providers` (canonical prefix only). Callers without interception read get empty lists
//! (and 404 on the providers, as Coder's members do).

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::ai_gateway::AIGatewayProvider;
use crate::search::pagination;
use crate::search::query_string;
use crate::state::AppState;
use crate::store::ai_picklists;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;
use actix_web::{web, HttpRequest, HttpResponse};

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;

/// Coder's `AIProviderType` values.
const PROVIDER_TYPES: &[&str] = &[
    "anthropic",
    "azure",
    "bedrock",
    "copilot",
    "google",
    "openai",
    "openai-compat",
    "openrouter",
    "vercel",
];

type Lister = fn(&Tx, &str, i64, i64) -> DbResult<Vec<String>>;

async fn pick_list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    parse: fn(&str) -> Result<String, ApiError>,
    list: Lister,
) -> ApiResult<HttpResponse> {
    let pairs = query_string::pairs(&req)?;
    let page = pagination::parse(&pairs)?;
    let limit = pagination::bounded_limit(page.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let prefix = parse(crate::search::query_string::q(&pairs))?;
    if !caller.subject.can_read_all_interceptions() {
        return Ok(crate::json::ok(&Vec::<String>::new()));
    }
    let items = state
        .db
        .read(move |conn| Ok(list(conn, &prefix, limit, page.offset)?))
        .await?;
    Ok(crate::json::ok(&items))
}

/// `GET /ai-gateway/models`: distinct models, `q` a prefix (`model:` or bare words).
pub async fn models(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    pick_list(
        state,
        caller,
        req,
        crate::search::ai_gateway::models,
        ai_picklists::models,
    )
    .await
}

/// `GET /ai-gateway/clients`: distinct clients, `q` a prefix (`client:` or bare words).
pub async fn clients(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    pick_list(
        state,
        caller,
        req,
        crate::search::ai_gateway::clients,
        ai_picklists::clients,
    )
    .await
}

/// `GET /ai-gateway/providers`: the provider names of completed interceptions with their
/// type (coderlite has no provider configuration: the name is also the display name, the
/// icon is empty, and a type outside Coder's list shows as `openai-compat`).
pub async fn providers(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    if !caller.subject.can_read_all_interceptions() {
        return Err(ApiError::not_found());
    }
    let rows = state
        .db
        .read(|conn| Ok(ai_picklists::providers(conn)?))
        .await?;
    let out: Vec<AIGatewayProvider> = rows
        .into_iter()
        .map(|(name, provider)| AIGatewayProvider {
            display_name: name.clone(),
            name,
            kind: if PROVIDER_TYPES.contains(&provider.as_str()) {
                provider
            } else {
                "openai-compat".to_string()
            },
            icon: String::new(),
        })
        .collect();
    Ok(crate::json::ok(&out))
}
