import { rawCall } from '../raw-calls.ts';
import type { HelperSpec } from '../spec.ts';

/** The page's own `requests` calls, for anything no helper does. */
export const RAW_HELPERS: readonly HelperSpec[] = [
  {
    name: 'get',
    topic: 'Raw calls',
    summary: 'GET a path under base_url, as the page does by hand; returns a response.',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is code the user types
    example: 'await get(`/tenants/${tenant_id}/mfa/status`)',
    run: (s, path) => rawCall(s, 'GET', 'get', path),
  },
  {
    name: 'put',
    topic: 'Raw calls',
    tutorial: 'toggling-tenant-2fa',
    step: 5,
    summary: 'PUT a JSON body to a path under base_url; returns a response (status_code, json()).',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is code the user types
    example: 'await put(`${base_url}/tenants/${tenant_id}/mfa/status`, {enabled: true})',
    run: (s, path, body) => rawCall(s, 'PUT', 'put', path, body),
  },
  {
    name: 'post',
    topic: 'Raw calls',
    summary: 'POST a JSON body to a path under base_url; returns a response.',
    example: "await post('/tenants', {name: 'X', kind: 'customer', parent_id: tenant_id})",
    run: (s, path, body) => rawCall(s, 'POST', 'post', path, body),
  },
  {
    name: 'del',
    topic: 'Raw calls',
    summary: "DELETE a path under base_url (the page's requests.delete); returns a response.",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the example is code the user types
    example: 'await del(`/applications/${application_id}/bindings/tenants/${tenant_id}`)',
    run: (s, path) => rawCall(s, 'DELETE', 'del', path),
  },
];
