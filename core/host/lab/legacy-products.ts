/**
 * The PhoneFactor Agent 5.x-era products a lab server starts with. Their display names, product codes, file
 * lists and the service name PFSVC are invented for the lab (no public source documents them); the upgrade
 * code matches them by pattern (domain/catalog.ts), so the names only need to look like the real ones.
 */
import type { ComponentName } from '../../domain/catalog';

export interface LegacyProduct {
  component: ComponentName;
  productCode: string;
  productName: string;
  version: string;
  /** x86 products register in the 32-bit view on 64-bit Windows. */
  platform: 'x86' | 'x64';
}

export const LEGACY_PUBLISHER = 'PhoneFactor, Inc.';
export const LEGACY_SERVICE = 'PFSVC';

export const LEGACY_PRODUCTS: Record<'Agent' | 'UserPortal' | 'MobileAppWebService' | 'WebServiceSdk', LegacyProduct> = {
  Agent: { component: 'Agent', productCode: '{4B2F6E1A-7C3D-4E59-9A10-5F2B8C6D7E01}', productName: 'PhoneFactor Agent', version: '5.2.1.0', platform: 'x86' },
  UserPortal: {
    component: 'UserPortal',
    productCode: '{8D1C3A52-0E4F-4B7A-8C21-3A9E6F5D4B02}',
    productName: 'PhoneFactor User Portal',
    version: '5.2.1.0',
    platform: 'x64',
  },
  MobileAppWebService: {
    component: 'MobileAppWebService',
    productCode: '{C6E5B4A3-9F8D-4C2B-A1E0-7D6C5B4A3F03}',
    productName: 'PhoneFactor Phone App Web Service',
    version: '5.2.1.0',
    platform: 'x64',
  },
  WebServiceSdk: {
    component: 'WebServiceSdk',
    productCode: '{2A7F9C1E-5B3D-4E8A-9C6F-1D2E3F4A5B04}',
    productName: 'PhoneFactor Web Service SDK',
    version: '5.2.1.0',
    platform: 'x86',
  },
};

/** Users of the lab data file; non-ASCII names prove the data survives byte for byte. */
export const LAB_USERS = [
  { login: 'alice@contoso.com', phone: '+1 425 555 0100', method: 'Phone call', displayName: 'Alice Smith' },
  { login: 'bjoern.mueller@contoso.com', phone: '+41 44 555 01 23', method: 'Text message', displayName: 'Björn Müller (Zürich)' },
  { login: 'chen.wei@contoso.com', phone: '+86 10 5555 0188', method: 'Mobile app', displayName: '陈伟' },
  { login: 'dana.oneil@contoso.com', phone: '+1 206 555 0199', method: 'Phone call + PIN', displayName: "Dana O'Neil" },
];
