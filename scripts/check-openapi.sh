#!/usr/bin/env bash
# Checks api/openapi.yaml: lints it with Redocly, generates TypeScript types from it with
# openapi-typescript, and type-checks a small client against those types with tsc --strict,
# so that a change that breaks the spec or the shape clients rely on fails here.
#
# Run from anywhere: bash scripts/check-openapi.sh
# Needs node (>= 20.19) and npm. The pinned tools are installed once into a cache directory
# (SOHOI_NPM_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/sohoi-npm); nothing is written
# into the repository.
set -euo pipefail

REDOCLY_VERSION=2.77.0
OPENAPI_TS_VERSION=7.13.0
TYPESCRIPT_VERSION=5.9.3 # openapi-typescript 7 needs typescript 5.x

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
spec="$root/api/openapi.yaml"
tools="${SOHOI_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sohoi-npm}"
stamp="redocly=$REDOCLY_VERSION openapi-typescript=$OPENAPI_TS_VERSION typescript=$TYPESCRIPT_VERSION"

# Install the pinned tools unless this exact set is already there.
if [[ "$(cat "$tools/.installed" 2>/dev/null || true)" != "$stamp" ]]; then
  echo "==> installing $stamp into $tools"
  mkdir -p "$tools"
  [[ -f "$tools/package.json" ]] || echo '{"name":"sohoi-openapi-tools","private":true}' >"$tools/package.json"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error \
    "@redocly/cli@$REDOCLY_VERSION" \
    "openapi-typescript@$OPENAPI_TS_VERSION" \
    "typescript@$TYPESCRIPT_VERSION"
  echo "$stamp" >"$tools/.installed"
fi
bin="$tools/node_modules/.bin"

echo "==> redocly lint"
# Run from the tools directory so that npx finds the pinned CLI installed above instead of
# fetching it again.
(cd "$tools" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  npx --yes "@redocly/cli@$REDOCLY_VERSION" \
  lint --config "$root/redocly.yaml" --max-problems 1000 "$spec")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> openapi-typescript"
"$bin/openapi-typescript" "$spec" --output "$work/api.d.ts"

echo "==> tsc --noEmit --strict on a sample client"
cat >"$work/client.ts" <<'EOF'
import type { components, paths } from "./api";

type Json<Op> = Op extends { responses: { 200: { content: { "application/json": infer B } } } } ? B : never;
type Created<Op> = Op extends { responses: { 201: { content: { "application/json": infer B } } } } ? B : never;
type Body<Op> = Op extends { requestBody: { content: { "application/json": infer B } } } ? B : never;

type LoginBody = Body<paths["/api/v1/auth/login"]["post"]>;
type TokenPair = Json<paths["/api/v1/auth/login"]["post"]>;
type Unit = Json<paths["/api/v1/units/{id}"]["get"]>;
type UnitPage = Json<paths["/api/v1/units/{id}/children"]["get"]>;
type NewUnit = Body<paths["/api/v1/units"]["post"]>;
type User = Created<paths["/api/v1/users"]["post"]>;
type Problem = components["schemas"]["Problem"];
type ChildrenQuery = NonNullable<paths["/api/v1/units/{id}/children"]["get"]["parameters"]["query"]>;
type Member = Json<paths["/api/v1/members/{id}"]["get"]>;
type MemberPage = Json<paths["/api/v1/units/{id}/members"]["get"]>;
type NewMember = Body<paths["/api/v1/units/{id}/members"]["post"]>;
type MembersQuery = NonNullable<paths["/api/v1/units/{id}/members"]["get"]["parameters"]["query"]>;
type MemberEvent = Json<paths["/api/v1/members/{id}/history"]["get"]>["items"][number];
type Officer = Created<paths["/api/v1/units/{id}/officers"]["post"]>;
type Rollup = Json<paths["/api/v1/units/{id}/rollup"]["get"]>;
type Totals = components["schemas"]["Totals"];
type RollupQuery = NonNullable<paths["/api/v1/units/{id}/rollup"]["get"]["parameters"]["query"]>;
type PeriodReport = Json<paths["/api/v1/units/{id}/reports/period"]["get"]>;
type PeriodQuery = paths["/api/v1/units/{id}/reports/period"]["get"]["parameters"]["query"];

const login: LoginBody = { username: "nguyen.thi.lan", password: "KhuyenHoc@2025" };

// Each required field is assigned to a variable of its exact type, so a field that turns
// optional, changes type or is renamed in the spec fails to compile.
function authHeader(t: TokenPair): string {
  const kind: "Bearer" = t.tokenType;
  const token: string = t.accessToken;
  const seconds: number = t.expiresIn;
  const refresh: string = t.refreshToken;
  return `${kind} ${token} (${seconds}s, refresh ${refresh})`;
}

function describe(u: Unit): string {
  const id: string = u.id;
  const level: "central" | "province" | "district" | "commune" | "branch" = u.level;
  const name: string = u.name;
  const code: string = u.code;
  const status: "active" | "closed" = u.status;
  const parent: string | undefined = u.parentId;
  const merged: string | undefined = u.mergedInto;
  const path: string[] = u.ancestors;
  const version: number = u.version;
  const times: [string, string] = [u.createdAt, u.updatedAt];
  return `${id} ${level} ${name} (${code}) ${status} v${version} under ${parent ?? "-"} via ${path.join("/")} merged ${merged ?? "-"} ${times.join(" ")}`;
}

function names(p: UnitPage): string[] {
  const next: string | undefined = p.nextCursor;
  return p.items.map((u) => u.name).concat(next === undefined ? [] : ["..."]);
}

const province: NewUnit = { parentId: "root", level: "province", name: "Tỉnh Thái Bình", code: "34" };
const query: ChildrenQuery = { limit: 50, cursor: "MzQz" };

function roles(u: User): string[] {
  const who: [string, string, string] = [u.id, u.username, u.displayName];
  const version: number = u.version;
  const role: "admin" | "manager" | "editor" | "viewer" | "reporter" = u.grants[0].role;
  return u.grants.map((g) => `${g.role}@${g.unitId}`).concat([who.join(" "), `v${version}`, role]);
}

// Dates are "YYYY-MM-DD" or null in answers; fields never given are absent.
function memberLine(m: Member): string {
  const ids: [string, string, string[]] = [m.id, m.branchId, m.ancestors];
  const name: string = m.fullName;
  const gender: "female" | "male" | "other" | undefined = m.gender;
  const born: string | null = m.birthDate;
  const optional: (string | undefined)[] = [m.nationalId, m.phone, m.address, m.memberNo, m.leaveReason];
  const joined: string = m.joinedOn;
  const status: "active" | "left" | "deceased" = m.status;
  const left: string | null = m.leftOn;
  const version: number = m.version;
  const times: [string, string] = [m.createdAt, m.updatedAt];
  return `${ids.join(" ")} ${name} ${gender ?? "-"} ${born ?? "-"} ${optional.join(",")} ${joined} ${status} ${left ?? "-"} v${version} ${times.join(" ")}`;
}

function roll(p: MemberPage): string[] {
  const next: string | undefined = p.nextCursor;
  return p.items.map(memberLine).concat(next === undefined ? [] : ["..."]);
}

const hoa: NewMember = {
  fullName: "Trần Thị Hoa", gender: "female", birthDate: "1960-05-19", nationalId: "034160000001",
  phone: "+84 912.345.678", address: "Thôn Phú Mỹ, xã Hồng Lý", joinedOn: "2022-07-02", memberNo: "HL-PM-0042",
};
const search: MembersQuery = { q: "nguyen van", status: ["active", "left"], branchId: "0cs6h1n2a5c8e1g4", sort: "name", limit: 100 };

function eventLine(e: MemberEvent): string {
  const seq: number = e.seq;
  const type: "joined" | "updated" | "transferred" | "left" | "died" = e.type;
  const on: string | null = e.on;
  // actor is null for a user outside the reader's scope; so is a branch id, flagged instead.
  const actor: { id: string; username: string } | null = e.actor;
  const who: [string, string, string] = [e.at, actor?.id ?? "-", actor?.username ?? "another user"];
  const elsewhere: [true | undefined, true | undefined] = [e.fromBranchOutsideScope, e.toBranchOutsideScope];
  const fields: string[] = e.changes?.map((c) => `${c.field}: ${c.from} → ${c.to}`) ?? [];
  const branches: (string | undefined)[] = [e.fromBranchId, e.toBranchId, e.reason];
  return `${seq} ${type} ${on ?? "-"} ${who.join(" ")} ${fields.join("; ")} ${branches.join(" ")} ${elsewhere.join(" ")}`;
}

function term(o: Officer): string {
  const ids: [string, string, string | undefined] = [o.id, o.unitId, o.memberId];
  const position: "chair" | "vice_chair" | "standing" | "committee" | "secretary" = o.position;
  const dates: [string, string | null] = [o.from, o.to];
  const current: boolean = o.current;
  const label: string | undefined = o.termLabel;
  return `${ids.join(" ")} ${o.fullName} ${position} ${label ?? ""} ${dates.join("–")} ${current} v${o.version}`;
}

// Rollups: every figure is a required number; age bands add up to the active members.
function figures(t: Totals): string {
  const counts: number[] = [t.members, t.activeMembers, t.female, t.male, t.left, t.deceased, t.branches, t.officers, t.joinedThisYear];
  const b = t.ageBands;
  const bands: [number, number, number, number, number, number] = [b.under30, b["30to44"], b["45to59"], b["60to74"], b["75plus"], b.unknown];
  const banded: boolean = bands.reduce((x, y) => x + y, 0) === t.activeMembers;
  return `${counts.join(" ")} ages ${bands.join("/")} ${banded}`;
}

function rollupLines(r: Rollup): string[] {
  const head: [string, string] = [r.unitId, r.asOf];
  return [`${head.join(" ")} ${figures(r.totals)}`].concat(
    r.children.map((c) => {
      const level: "central" | "province" | "district" | "commune" | "branch" = c.level;
      return `${c.unitId} ${level} ${c.name} (${c.code}) ${figures(c.totals)}`;
    }),
  );
}

const juneEnd: RollupQuery = { asOf: "2025-06-30" };
const halfYear: PeriodQuery = { from: "2025-01-01", to: "2025-06-30", format: "xlsx" };

function balances(p: PeriodReport): boolean {
  const span: [string, string, string] = [p.unitId, p.from, p.to];
  return span.length === 3 && p.children.concat([p.total]).every((r) => {
    const branches: [number, number] = [r.branchesStart, r.branchesEnd];
    const named: string = `${r.name} (${r.code}) ${r.level} ${r.unitId} ${branches.join("→")}`;
    return named !== "" && r.activeStart + r.joined + r.transferredIn - r.left - r.died - r.transferredOut === r.activeEnd;
  });
}

function isVersionMismatch(p: Problem): boolean {
  const text: [string, string, string] = [p.type, p.title, p.detail];
  const status: number = p.status;
  const fields: string[] = p.errors?.map((e) => e.field) ?? [];
  return p.code === "version_mismatch" && status === 412 && fields.length === 0 && text.length === 3;
}

// Things the generated types must refuse.
// @ts-expect-error level must be one of the five levels
const badLevel: NewUnit = { parentId: "root", level: "nation", name: "X", code: "X" };
// @ts-expect-error code is a closed set
const badCode: Problem["code"] = "teapot";
// @ts-expect-error expiresIn is a number
const badPair: TokenPair = { accessToken: "a", tokenType: "Bearer", expiresIn: "900", refreshToken: "r" };
// @ts-expect-error fullName is required
const noName: NewMember = { gender: "female" };
// @ts-expect-error the status filter takes only active, left and deceased
const badStatus: MembersQuery = { status: ["retired"] };
// @ts-expect-error a birth date may be null
const mustBeBorn = (m: Member): string => m.birthDate;
// @ts-expect-error a period report comes as json, csv or xlsx
const badFormat: PeriodQuery = { from: "2025-01-01", to: "2025-06-30", format: "pdf" };
// @ts-expect-error from and to are required
const noPeriod: PeriodQuery = { format: "csv" };

export { authHeader, badCode, badFormat, badLevel, badPair, badStatus, balances, describe, eventLine, figures, halfYear, hoa, isVersionMismatch,
  juneEnd, login, mustBeBorn, names, noName, noPeriod, province, query, roles, roll, rollupLines, search, term };
EOF
"$bin/tsc" --noEmit --strict --target es2022 --lib es2022 --module esnext --moduleResolution bundler \
  "$work/client.ts"

echo "==> api/openapi.yaml: lint, types and sample client OK"
