// The few OpenAPI 3.1 shapes the spec walker (walk.ts) reads; every other field stays `unknown` for the
// caller to narrow.

/** Any JSON value (a parsed spec, an example's value). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A reference object; the bundle only holds local ones (`#/components/...`). */
export interface Ref {
  $ref: string;
}
/** A place where the spec may hold the object itself or a reference to it. */
export type RefOr<T> = T | Ref;

export interface Example {
  value?: unknown;
  [key: string]: unknown;
}
export interface Schema {
  examples?: unknown[];
  example?: unknown;
  [key: string]: unknown;
}
export interface MediaType {
  schema?: RefOr<Schema>;
  examples?: Record<string, RefOr<Example>>;
  [key: string]: unknown;
}
export interface Parameter {
  name: string;
  in: string;
  schema?: RefOr<Schema>;
  examples?: Record<string, RefOr<Example>>;
  [key: string]: unknown;
}
export interface Header {
  schema?: RefOr<Schema>;
  [key: string]: unknown;
}
export interface Response {
  headers?: Record<string, RefOr<Header>>;
  content?: Record<string, MediaType>;
  [key: string]: unknown;
}
export interface RequestBody {
  content?: Record<string, MediaType>;
  [key: string]: unknown;
}
export interface Operation {
  operationId?: string;
  parameters?: Array<RefOr<Parameter>>;
  requestBody?: RefOr<RequestBody>;
  responses?: Record<string, RefOr<Response>>;
  deprecated?: boolean;
  [key: string]: unknown;
}
export interface PathItem {
  parameters?: Array<RefOr<Parameter>>;
  [key: string]: unknown;
}
export interface Spec {
  paths?: Record<string, PathItem>;
  servers?: Array<{ url: string; [key: string]: unknown }>;
  components?: { examples?: Record<string, RefOr<Example>>; [key: string]: unknown };
  [key: string]: unknown;
}
