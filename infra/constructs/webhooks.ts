import { CfnOutput } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EnvVar } from '../../shared/platform/config.js';
import { acknowledgeNag } from '../nag.js';

export interface ShopWebhooksProps {
  /** The webhooks function; it gets a public Function URL. */
  readonly handler: LambdaFunction;
}

/**
 * The shop-platform webhook endpoint: a public Function URL (Shopify and WooCommerce call it
 * unauthenticated, by design; each delivery's HMAC signature is the authorisation and is checked
 * first) and the secret holding the platforms' signing secrets, which the operator fills in.
 */
export class ShopWebhooks extends Construct {
  readonly secrets: Secret;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ShopWebhooksProps) {
    super(scope, id);
    // JSON {"shopify":["<secret>"],"woocommerce":["<secret>"]} (shared/webhooks/secrets.ts); until
    // it is filled in, both platforms answer 404.
    this.secrets = new Secret(this, 'SigningSecrets', {
      description: 'Engage shop webhook signing secrets: {"shopify":["current","previous"],"woocommerce":["current"]}',
      generateSecretString: { secretStringTemplate: JSON.stringify({}), generateStringKey: 'unused', excludePunctuation: true },
    });
    acknowledgeNag(this.secrets, 'AwsSolutions-SMG4', 'The platforms issue these secrets; the operator rotates them in Shopify/WooCommerce and here (current first, previous second)');
    const fnUrl = props.handler.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    this.url = fnUrl.url;
    props.handler.addEnvironment('POWERTOOLS_LOG_LEVEL', 'INFO');
    new CfnOutput(this, 'Url', { value: fnUrl.url, description: 'Webhook base URL: add webhooks/shopify or webhooks/woocommerce' });
  }

  /** Read access to the signing secrets plus the variable naming them. */
  grantSecrets(fn: LambdaFunction): void {
    this.secrets.grantRead(fn);
    fn.addEnvironment(EnvVar.webhookSecretId, this.secrets.secretArn);
  }
}
