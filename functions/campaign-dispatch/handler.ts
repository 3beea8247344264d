import { FunctionName } from '../../shared/platform/contracts/routing.js';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { EnvVar, LinksConfig, MailConfig, ShopConfig, capFrom, loadConfig, shopInfoFrom } from '../../shared/platform/config.js';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { dispatchDue, dispatchTrigger } from '../../shared/campaigns/dispatch.js';
import { sqsConsumer } from '../../shared/platform/runtime/consumer.js';
import { sesMailer, storeFromEnv } from '../../shared/platform/runtime/deps.js';
import { keyringFromEnv } from '../../shared/platform/runtime/keyring.js';
import { systemClock } from '../../shared/platform/ports.js';

const mail = loadConfig(MailConfig);
const links = loadConfig(LinksConfig);
const shop = loadConfig(ShopConfig);
// Templates are compiled (MJML) and keys fetched once per cold start.
const deps = {
  store: storeFromEnv(),
  mailer: sesMailer(mail[EnvVar.configurationSet]),
  campaigns: await loadCampaigns(mail[EnvVar.campaignsDir]),
  from: mail[EnvVar.senderEmail],
  shop: shopInfoFrom(shop),
  cap: capFrom(shop),
  baseUrl: links[EnvVar.publicBaseUrl],
  keyring: await keyringFromEnv(links),
  clock: systemClock,
};

type Trigger = (typeof DetailType)['CustomerRiskChanged' | 'CustomerTierChanged' | 'BirthdayRewarded' | 'OrderFulfilled' | 'SurveyLowScore' | 'CampaignScheduledSend' | 'CampaignSendDue'];

export const handler = sqsConsumer<Trigger>(FunctionName.CampaignDispatch, (event) =>
  event.type === DetailType.CampaignSendDue ? dispatchDue(deps, event.detail) : dispatchTrigger(deps, event),
);
