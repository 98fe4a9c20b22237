/** The cmdlet's object for one consumer: every value through the secret rule, the service account left out. */
import { showSetting } from '../util/secrets';
import type { ConsumerEffect, ConsumerKind, SdkConsumer } from './types';

export interface ConsumerRow {
  ComputerName: string;
  LabPath: string | null;
  Kind: ConsumerKind;
  File: string;
  Setting: string;
  Url: string;
  NewUrl: string | null;
  Effect: ConsumerEffect[];
  Detail: string;
}

export function consumerRow(c: SdkConsumer): ConsumerRow {
  return {
    ComputerName: c.computerName,
    LabPath: c.labPath,
    Kind: c.kind,
    File: c.file,
    Setting: c.setting,
    Url: showSetting(c.setting, c.url),
    NewUrl: c.newUrl === null ? null : showSetting(c.setting, c.newUrl),
    Effect: c.effects,
    Detail: showSetting(c.setting, c.detail),
  };
}
