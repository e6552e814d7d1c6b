// Runs react-admin's ra-data-simple-rest data provider, unchanged, against a running
// Partners API that serves the demo database of `partners-api demo`.
//
// Usage: node check.mjs BASE_URL TOKEN
//   BASE_URL  the API root including the version, such as http://127.0.0.1:8000/v1
//   TOKEN     a distributor's PartnerAdmin API key (the demo's distributorAdmin token)
//
// Prints one "ok:" line per passed check. Exits with 1 and a "FAILED:" line on the first
// failed check or failed request, and with 2 on invalid arguments.
import { fetchUtils } from 'ra-core';
import simpleRestProvider from 'ra-data-simple-rest';

const USAGE = 'Usage: node check.mjs BASE_URL TOKEN (for example http://127.0.0.1:8000/v1 scp_...)';

const [apiUrl, token, ...extra] = process.argv.slice(2);
if (!apiUrl || !token || extra.length > 0) {
    console.error(USAGE);
    process.exit(2);
}

// The last request, for error messages, and the headers of the last response, so that
// checks can compare the provider's result with the raw Content-Range header.
let lastRequest = '';
let lastHeaders = new Headers();

const httpClient = async (url, options = {}) => {
    const headers = options.headers ?? new Headers({ Accept: 'application/json' });
    headers.set('Authorization', `Bearer ${token}`);
    lastRequest = `${options.method ?? 'GET'} ${url}`;
    const response = await fetchUtils.fetchJson(url, { ...options, headers });
    lastHeaders = response.headers;
    return response;
};

const provider = simpleRestProvider(apiUrl, httpClient);

class CheckFailed extends Error {}

// Passes when `condition` is true. On failure, `details` (any JSON value) is printed
// after the message.
function check(condition, message, details) {
    if (!condition) {
        const suffix = details === undefined ? '' : `\n  got: ${JSON.stringify(details)}`;
        throw new CheckFailed(`${message}${suffix}`);
    }
    console.log(`ok: ${message}`);
}

// Passes when `actual` and `expected` have the same JSON form.
function expectEqual(actual, expected, message) {
    const same = JSON.stringify(actual) === JSON.stringify(expected);
    if (!same) {
        throw new CheckFailed(
            `${message}\n  expected: ${JSON.stringify(expected)}\n  got:      ${JSON.stringify(actual)}`,
        );
    }
    console.log(`ok: ${message}`);
}

function isSorted(values, order) {
    return values.every((value, i) => {
        if (i === 0) {
            return true;
        }
        return order === 'ASC' ? values[i - 1] <= value : values[i - 1] >= value;
    });
}

// The API sorts names after Unicode case folding. toLowerCase() gives the same order for
// the ASCII names of the demo database.
const nameKeys = (records) => records.map((record) => record.name.toLowerCase());

const listAll = { pagination: { page: 1, perPage: 100 }, sort: { field: 'id', order: 'ASC' }, filter: {} };

async function checkPartnerPaging() {
    const perPage = 2;
    const sort = { field: 'name', order: 'ASC' };
    const first = await provider.getList('partners', { pagination: { page: 1, perPage }, sort, filter: {} });
    const total = first.total;
    check(Number.isInteger(total) && total > perPage, `getList partners: total is more than one page of ${perPage}`, total);

    const seen = new Map();
    const names = [];
    const pageCount = Math.ceil(total / perPage);
    for (let page = 1; page <= pageCount; page++) {
        const result = await provider.getList('partners', { pagination: { page, perPage }, sort, filter: {} });
        const start = (page - 1) * perPage;
        const end = Math.min(start + perPage, total) - 1;
        expectEqual(lastHeaders.get('content-range'), `partners ${start}-${end}/${total}`, `getList partners page ${page}: Content-Range`);
        expectEqual(result.total, total, `getList partners page ${page}: total read from Content-Range`);
        expectEqual(result.data.length, end - start + 1, `getList partners page ${page}: number of records`);
        for (const record of result.data) {
            check(!seen.has(record.id), `getList partners page ${page}: ${record.id} is not on an earlier page`);
            seen.set(record.id, record);
        }
        names.push(...nameKeys(result.data));
    }
    expectEqual(seen.size, total, `getList partners: ${pageCount} pages contain every partner exactly once`);
    check(isSorted(names, 'ASC'), 'getList partners: the pages follow one name ASC order', names);
    return [...seen.values()];
}

async function checkSortAndFilter(allPartners) {
    const filter = { state: 'Active' };
    const result = await provider.getList('partners', {
        pagination: { page: 1, perPage: 100 },
        sort: { field: 'name', order: 'DESC' },
        filter,
    });
    const expected = allPartners.filter((partner) => partner.state === 'Active').length;
    expectEqual(result.total, expected, `getList partners filter ${JSON.stringify(filter)}: total`);
    check(expected < allPartners.length, 'getList partners filter: the demo has partners in other states that the filter leaves out', allPartners.length);
    check(result.data.every((partner) => partner.state === 'Active'), 'getList partners filter: every record is Active');
    check(isSorted(nameKeys(result.data), 'DESC'), 'getList partners sorted by name DESC', nameKeys(result.data));
}

async function checkGetOneAndMany(allPartners) {
    const listed = allPartners[0];
    const fetched = await provider.getOne('partners', { id: listed.id });
    expectEqual([fetched.data.id, fetched.data.name], [listed.id, listed.name], 'getOne partners: id and name of the listed partner');

    // react-admin's getMany sends filter={"id":[...]} and no range.
    const ids = [allPartners[0].id, allPartners[allPartners.length - 1].id];
    const many = await provider.getMany('partners', { ids });
    const returned = many.data.map((partner) => partner.id).sort();
    expectEqual(returned, [...ids].sort(), 'getMany partners returns the requested ids');
}

async function checkCustomerLists() {
    const perPage = 5;
    const page = await provider.getList('customers', {
        pagination: { page: 1, perPage },
        sort: { field: 'createdAt', order: 'DESC' },
        filter: {},
    });
    check(Number.isInteger(page.total), 'getList customers: total is an integer', page.total);
    expectEqual(page.data.length, Math.min(perPage, page.total), `getList customers: number of records of total ${page.total}`);
    const createdAt = page.data.map((customer) => customer.createdAt);
    check(isSorted(createdAt.map(Date.parse), 'DESC'), 'getList customers sorted by createdAt DESC', createdAt);

    const all = await provider.getList('customers', listAll);
    expectEqual(all.data.length, all.total, 'getList customers: one page of 100 holds every customer');

    const partnerId = page.data[0].partner.id;
    const expected = all.data.filter((customer) => customer.partner.id === partnerId).length;
    const reference = await provider.getManyReference('customers', {
        target: 'partnerId',
        id: partnerId,
        pagination: { page: 1, perPage: 100 },
        sort: { field: 'name', order: 'ASC' },
        filter: {},
    });
    expectEqual([reference.total, reference.data.length], [expected, expected], `getManyReference customers by partnerId ${partnerId}: total and number of records`);
    check(reference.data.every((customer) => customer.partner.id === partnerId), 'getManyReference customers: every record belongs to that partner');
    return partnerId;
}

async function checkCreate(partnerId, distributorId) {
    // A fresh suffix keeps emails and the partner code unique when the script runs again
    // against the same database.
    const suffix = `${Date.now()}`;

    const customerName = `React Admin Customer ${suffix}`;
    const customer = await provider.create('customers', {
        data: {
            customerName,
            email: `ra-${suffix}@customer.example.com`,
            firstName: 'Rea',
            lastName: 'Admin',
            countryId: 'us',
            partnerId,
        },
    });
    check(typeof customer.data.id === 'string', 'create customers returns an id', customer.data);
    expectEqual(
        [customer.data.name, customer.data.state, customer.data.partner?.id],
        [customerName, 'Trialing', partnerId],
        'create customers: name, state and owning partner',
    );
    const stored = await provider.getOne('customers', { id: customer.data.id });
    expectEqual(stored.data.name, customerName, 'getOne customers finds the created customer');

    const before = await provider.getList('partners', listAll);
    const partnerName = `React Admin Partner ${suffix}`;
    const partner = await provider.create('partners', {
        data: {
            partnerName,
            email: `ra-${suffix}@partner.example.com`,
            firstName: 'Rea',
            lastName: 'Admin',
        },
    });
    check(typeof partner.data.id === 'string', 'create partners returns an id', partner.data);
    expectEqual(
        [partner.data.name, partner.data.state, partner.data.parent?.id],
        [partnerName, 'Active', distributorId],
        'create partners: name, state and the calling distributor as parent',
    );
    const after = await provider.getList('partners', listAll);
    expectEqual(after.total, before.total + 1, 'getList partners: total grows by one after the create');
}

async function checkCreateRejected(resource, data, missingFields) {
    let error;
    try {
        await provider.create(resource, { data });
    } catch (caught) {
        error = caught;
    }
    check(error !== undefined, `create ${resource} with missing fields is rejected`);
    expectEqual(error.status, 422, `create ${resource} with missing fields: HTTP status (${error.message})`);
    const named = Object.keys(error.body?.errors ?? {});
    const found = missingFields.filter((name) => named.includes(name));
    expectEqual(found, missingFields, `create ${resource} with missing fields: body.errors names each of them`);
}

async function main() {
    const partners = await checkPartnerPaging();
    await checkSortAndFilter(partners);
    await checkGetOneAndMany(partners);
    const partnerId = await checkCustomerLists();
    // Every listed partner has the calling distributor as parent.
    await checkCreate(partnerId, partners[0].parent.id);
    await checkCreateRejected('customers', { customerName: 'Incomplete' }, ['email', 'firstName', 'lastName', 'countryId']);
    await checkCreateRejected('partners', { partnerName: 'Incomplete' }, ['email', 'firstName', 'lastName']);
    console.log('All ra-data-simple-rest checks passed.');
}

try {
    await main();
} catch (error) {
    if (error instanceof CheckFailed) {
        console.error(`FAILED: ${error.message}`);
    } else if (error?.status !== undefined) {
        // An HttpError of ra-core: a request that the checks expected to succeed failed.
        console.error(`FAILED: ${lastRequest} returned HTTP ${error.status}: ${error.message}\n  ${JSON.stringify(error.body)}`);
    } else {
        console.error(`FAILED: unexpected error (last request: ${lastRequest || 'none'}):`, error);
    }
    process.exit(1);
}
